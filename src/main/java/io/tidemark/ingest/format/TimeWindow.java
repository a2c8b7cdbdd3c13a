package io.tidemark.ingest.format;

import io.tidemark.config.Durations;
import io.tidemark.config.IngestConfig;
import io.tidemark.time.EpochMicros;
import java.time.Duration;
import java.time.Instant;

/**
 * The timestamps accepted at one moment: not older than {@code ingest.max_age}, not further ahead than
 * {@code ingest.max_future}. Readings outside are rejected, never parked somewhere.
 */
public record TimeWindow(long nowMicros, long oldestMicros, long newestMicros, Duration maxAge, Duration maxFuture) {

    public static TimeWindow at(Instant now, IngestConfig config) {
        long nowMicros = EpochMicros.of(now);
        return new TimeWindow(nowMicros, nowMicros - EpochMicros.fromNanos(config.maxAge().toNanos()),
                nowMicros + EpochMicros.fromNanos(config.maxFuture().toNanos()), config.maxAge(), config.maxFuture());
    }

    /** Why {@code tsMicros} is outside the window, or null if it is inside; the hint is for JSON's numbers. */
    String problem(long tsMicros) {
        return problem(tsMicros, "numeric timestamps are epoch milliseconds");
    }

    /** Why {@code tsMicros} is outside the window, ending with {@code hint} on how the format writes time, or null. */
    String problem(long tsMicros, String hint) {
        if (tsMicros < oldestMicros) {
            return "timestamp " + EpochMicros.format(tsMicros)
                    + " is older than ingest.max_age (" + Durations.format(maxAge)
                    + "); " + hint;
        }
        if (tsMicros > newestMicros) {
            return "timestamp " + EpochMicros.format(tsMicros)
                    + " is more than ingest.max_future (" + Durations.format(maxFuture)
                    + ") ahead of the server clock; " + hint;
        }
        return null;
    }
}
