package io.tidemark.testing;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for something a test cannot be told about directly (a queue filling, a server recovering). The timeout only
 * keeps a broken build from hanging: it is generous, and never a claim about speed.
 */
public final class Await {
    public static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final long POLL_MILLIS = 20;

    private Await() {}

    /** Polls {@code probe} until its value satisfies {@code done}, and returns that value. */
    public static <T> T until(String what, Supplier<T> probe, Predicate<? super T> done) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        T last;
        while (true) {
            last = probe.get();
            if (done.test(last)) return last;
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up after " + PATIENCE.toSeconds() + " s waiting for " + what
                        + "; last seen: " + last);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }

    public static void until(String what, Supplier<Boolean> condition) {
        until(what, condition, Boolean.TRUE::equals);
    }

    /** Lets {@code millis} pass, where a test needs time itself to go by (history to gather, an outage to last). */
    public static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
