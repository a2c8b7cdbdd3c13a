package io.tidemark.retry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with jitter, the one retry policy of Tidemark: the group-commit writer after a lost
 * database, the alert store and the webhook, and failed job runs all wait this way.
 *
 * <p>The n-th wait (n from 1) is {@code min(first * 2^(n-1), max)}, stretched by a random factor in [1, 1.5) so that
 * many clients that failed together do not retry together. One instance follows one sequence of attempts; not
 * thread-safe.
 */
public final class Backoff {
    private final long maxMillis;
    private long millis;

    public Backoff(Duration first, Duration max) {
        this.millis = Math.max(1, first.toMillis());
        this.maxMillis = Math.max(millis, max.toMillis());
    }

    /** The next wait in milliseconds; each call doubles the interval, up to the maximum. */
    public long nextMillis() {
        long wait = jittered(millis);
        millis = Math.min(millis * 2, maxMillis);
        return wait;
    }

    /**
     * Sleeps for the next wait if it ends before {@code deadlineNanos} (a {@link System#nanoTime()} value); returns
     * false without sleeping otherwise, or if interrupted (the interrupt is kept).
     */
    public boolean sleepIfBefore(long deadlineNanos) {
        long wait = nextMillis();
        if (System.nanoTime() + wait * 1_000_000 - deadlineNanos >= 0) return false;
        try {
            Thread.sleep(wait);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The wait after {@code failures} consecutive failures (from 1), for callers that keep only a count between
     * attempts (the job scheduler plans each retry as a new timer task).
     */
    public static Duration afterFailures(int failures, Duration first, Duration max) {
        long firstMillis = Math.max(1, first.toMillis());
        long capped = Math.min(Math.max(firstMillis, max.toMillis()), firstMillis << Math.min(failures - 1, 30));
        return Duration.ofMillis(jittered(capped));
    }

    private static long jittered(long millis) {
        return millis + ThreadLocalRandom.current().nextLong(millis / 2 + 1);
    }
}
