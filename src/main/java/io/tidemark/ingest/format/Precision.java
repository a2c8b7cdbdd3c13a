package io.tidemark.ingest.format;

/** TEMPORARY STUB until branch lp-parser lands: the unit of line protocol timestamps. */
public enum Precision {
    NANOSECONDS(1_000, true), MICROSECONDS(1, false), MILLISECONDS(1_000, false), SECONDS(1_000_000, false),
    MINUTES(60_000_000L, false), HOURS(3_600_000_000L, false);

    private final long factor;
    private final boolean divide;

    Precision(long factor, boolean divide) {
        this.factor = factor;
        this.divide = divide;
    }

    long toMicros(long value) {
        return divide ? Math.floorDiv(value, factor) : value * factor;
    }

    public static Precision fromV1(String p) {
        if (p == null || p.isEmpty()) return NANOSECONDS;
        return switch (p) {
            case "n", "ns" -> NANOSECONDS;
            case "u", "us" -> MICROSECONDS;
            case "ms" -> MILLISECONDS;
            case "s" -> SECONDS;
            case "m" -> MINUTES;
            case "h" -> HOURS;
            default -> null;
        };
    }

    public static Precision fromV2(String p) {
        if (p == null || p.isEmpty()) return NANOSECONDS;
        return switch (p) {
            case "ns" -> NANOSECONDS;
            case "us" -> MICROSECONDS;
            case "ms" -> MILLISECONDS;
            case "s" -> SECONDS;
            default -> null;
        };
    }
}
