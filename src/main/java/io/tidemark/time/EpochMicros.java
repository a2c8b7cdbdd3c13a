package io.tidemark.time;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Tidemark's one representation of a point in time on the hot paths: a {@code long} of microseconds since the Unix
 * epoch, UTC, which is exactly what PostgreSQL's {@code timestamptz} stores. Every conversion to and from
 * {@link Instant} goes through here, so rounding is the same everywhere: finer fractions are truncated towards the
 * past, and times before 1970 floor rather than round towards zero.
 */
public final class EpochMicros {
    public static final long PER_SECOND = 1_000_000L;
    public static final long PER_MILLI = 1_000L;

    private EpochMicros() {}

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
