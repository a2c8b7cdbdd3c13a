package io.tidemark.time;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Tidemark's one representation of a point in time on the hot paths: a {@code long} of microseconds since the Unix
 * epoch, UTC, which is exactly what PostgreSQL's {@code timestamptz} stores. Every conversion to and from
 * {@link Instant} goes through here, so rounding is the same everywhere: finer fractions are truncated towards the
 * past, and times before 1970 floor rather than round towards zero. (Text is rounded instead, as PostgreSQL rounds
 * it: see {@link Rfc3339}.)
 */
public final class EpochMicros {
    public static final long PER_SECOND = 1_000_000L;
    public static final long PER_MILLI = 1_000L;
    /**
     * The earliest time Tidemark accepts anywhere, 0001-01-01T00:00:00Z, and the latest, 9999-12-31T23:59:59.999999Z:
     * the years RFC 3339 can write, well inside PostgreSQL's {@code timestamptz} (4713 BC to 294276 AD) and inside a
     * {@code long} of microseconds, so no conversion on the way can overflow.
     */
    public static final long MIN = -62_135_596_800_000_000L;
    public static final long MAX = 253_402_300_799_999_999L;
    /** {@link #MIN} and {@link #MAX} for messages. */
    public static final String RANGE = "times must lie within 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z"
            + " (epoch milliseconds " + MIN / PER_MILLI + " to " + MAX / PER_MILLI + ")";

    private EpochMicros() {}

    public static boolean inRange(long micros) {
        return micros >= MIN && micros <= MAX;
    }

    /** Whether {@code millis} epoch milliseconds are {@link #inRange}; if so, {@code millis * PER_MILLI} is exact. */
    public static boolean millisInRange(long millis) {
        return millis >= MIN / PER_MILLI && millis <= MAX / PER_MILLI;
    }

    /** {@code instant} in epoch microseconds; nanoseconds beyond the microsecond are dropped. */
    public static long of(Instant instant) {
        return instant.getEpochSecond() * PER_SECOND + instant.getNano() / 1000;
    }

    /** The instant {@code micros} epoch microseconds stand for. */
    public static Instant toInstant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, PER_SECOND), Math.floorMod(micros, PER_SECOND) * 1000);
    }

    /**
     * The same instant as a UTC {@link OffsetDateTime}, the type the PostgreSQL driver binds to {@code timestamptz}.
     */
    public static OffsetDateTime toUtc(long micros) {
        return toInstant(micros).atOffset(ZoneOffset.UTC);
    }

    /** A duration in microseconds, from one in nanoseconds (e.g. {@code Duration.toNanos()}). */
    public static long fromNanos(long nanos) {
        return nanos / 1000;
    }

    /** RFC 3339 text of {@code micros}, as {@link Instant#toString()} writes it. */
    public static String format(long micros) {
        return toInstant(micros).toString();
    }
}
