package io.tidemark.realtime;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Capped exponential backoff with jitter, for the alert store's and the webhook's retries. Not thread-safe. */
final class Backoff {
    private final long maxMillis;
    private long millis;

    Backoff(Duration first, Duration max) {
        this.millis = Math.max(1, first.toMillis());
        this.maxMillis = Math.max(millis, max.toMillis());
    }

    /** The next wait: the current interval plus up to half of it again, after which the interval doubles. */
    long nextMillis() {
        long wait = millis + ThreadLocalRandom.current().nextLong(millis / 2 + 1);
        millis = Math.min(millis * 2, maxMillis);
        return wait;
    }
}
