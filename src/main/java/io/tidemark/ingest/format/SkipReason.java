package io.tidemark.ingest.format;

/**
 * Why a value of a request body was left out on purpose instead of being stored or refused: it is not a reading
 * Tidemark keeps. Each is counted ({@code tidemark_readings_skipped_total{reason}}) and the client hears the total.
 */
public enum SkipReason {
    /** A line protocol string field: text, not a number ({@link StringFields#SKIP}). */
    STRING_FIELD("string_field"),
    /** A Prometheus NaN sample: no number, and it would turn every average and maximum of its bucket into NaN. */
    NAN("nan"),
    /** Prometheus' staleness marker, the NaN saying a series ended: a fact about the series, not a reading. */
    STALE_MARKER("stale_marker"),
    /** A Prometheus sample of +Inf or -Inf: JSON cannot carry it, and it would make its buckets infinite. */
    INFINITE("infinite"),
    /** A Prometheus native histogram sample: not a single number. */
    HISTOGRAM("histogram");

    private final String tag;

    SkipReason(String tag) {
        this.tag = tag;
    }

    /** The value of the metric's {@code reason} tag. */
    public String tag() {
        return tag;
    }
}
