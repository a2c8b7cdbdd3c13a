package io.tidemark.ingest;

import io.tidemark.config.Durations;
import io.tidemark.config.IngestConfig;
import java.time.Duration;
import java.time.Instant;

/**
 * The timestamps accepted at one moment: not older than {@code ingest.max_age}, not further ahead than
 * {@code ingest.max_future}. Readings outside are rejected, never parked somewhere.
 */
record TimeWindow(long nowMicros, long oldestMicros, long newestMicros, Duration maxAge, Duration maxFuture) {

    static TimeWindow at(Instant now, IngestConfig config) {
        long nowMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
        return new TimeWindow(nowMicros, nowMicros - config.maxAge().toNanos() / 1000,
                nowMicros + config.maxFuture().toNanos() / 1000, config.maxAge(), config.maxFuture());
    }

    /** Why {@code tsMicros} is outside the window, or null if it is inside. */
    String problem(long tsMicros) {
        if (tsMicros < oldestMicros) {
            return "timestamp " + format(tsMicros) + " is older than ingest.max_age (" + Durations.format(maxAge)
                    + "); numeric timestamps are epoch milliseconds";
        }
        if (tsMicros > newestMicros) {
            return "timestamp " + format(tsMicros) + " is more than ingest.max_future (" + Durations.format(maxFuture)
                    + ") ahead of the server clock; numeric timestamps are epoch milliseconds";
        }
        return null;
    }

    private static String format(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000)
                .toString();
    }
}
