package io.tidemark.ingest.format;

/**
 * The unit of line protocol timestamps, named by the {@code precision} query parameter: InfluxDB's default is
 * nanoseconds. Converts to Tidemark's epoch microseconds by floor division, so digits finer than a microsecond are
 * dropped (towards the past, also before 1970).
 */
public enum Precision {
    NANOSECONDS(-1000),
    MICROSECONDS(1),
    MILLISECONDS(1_000L),
    SECONDS(1_000_000L),
    MINUTES(60_000_000L),
    HOURS(3_600_000_000L);

    /** Microseconds per unit, or minus the units per microsecond (nanoseconds: -1000). */
    private final long micros;

    Precision(long micros) {
        this.micros = micros;
    }

    /**
     * The precision of InfluxDB 1.x {@code /write} ({@code services/httpd/handler.go} accepts "", n, ns, u, ms, s, m,
     * h; not "us" nor "µ", which 1.8 answers with 400), or null for anything else. Null or empty: nanoseconds.
     */
    public static Precision fromV1(String precision) {
        if (precision == null) return NANOSECONDS;
        return switch (precision) {
            case "", "n", "ns" -> NANOSECONDS;
            case "u" -> MICROSECONDS;
            case "ms" -> MILLISECONDS;
            case "s" -> SECONDS;
            case "m" -> MINUTES;
            case "h" -> HOURS;
            default -> null;
        };
    }

    /** The precision of InfluxDB 2.x {@code /api/v2/write} (ns, us, ms, s), or null. Null or empty: nanoseconds. */
    public static Precision fromV2(String precision) {
        if (precision == null) return NANOSECONDS;
        return switch (precision) {
            case "", "ns" -> NANOSECONDS;
            case "us" -> MICROSECONDS;
            case "ms" -> MILLISECONDS;
            case "s" -> SECONDS;
            default -> null;
        };
    }

    /**
     * {@code timestamp} in this unit as epoch microseconds, finer digits floored away; {@code Long.MIN_VALUE} when
     * the result overflows a {@code long} (which is far outside {@link io.tidemark.time.EpochMicros#inRange} anyway).
     */
    long toMicros(long timestamp) {
        if (micros < 0) return Math.floorDiv(timestamp, -micros);
        long m = timestamp * micros;
        if (Math.abs(timestamp) > Long.MAX_VALUE / micros) return Long.MIN_VALUE;
        return m;
    }

    /** {@code nowMicros} truncated to this unit, as InfluxDB truncates the time of receipt it gives a line. */
    long truncate(long nowMicros) {
        return micros <= 1 ? nowMicros : Math.floorDiv(nowMicros, micros) * micros;
    }
}
