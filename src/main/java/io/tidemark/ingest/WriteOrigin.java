package io.tidemark.ingest;

/**
 * Who writes: the name of the credential (the unit {@code ingest.max_new_series_per_minute} counts by) and the sensor
 * prefix it is limited to (null: any sensor).
 */
public record WriteOrigin(String writer, String sensorPrefix) {
    /** A writer with no credential of its own and no prefix, for callers outside HTTP. */
    public static final WriteOrigin ANYONE = new WriteOrigin("anonymous", null);
}
