package io.tidemark.feed;

import io.tidemark.storage.SeriesKey;

/**
 * One feed row, decoded: the readings of one committed batch, or the alert events of one stored batch. Shared,
 * read-only, by every consumer of a node, so built once per row however many consumers there are.
 */
public final class FeedEntry {
    private final long row;
    private final FeedKind kind;
    private final int count;
    private final int[] seriesIds;
    private final SeriesKey[] series;
    private final long[] timestamps;
    private final double[] values;
    private final String[] alerts;

    private FeedEntry(long row, FeedKind kind, int count, int[] seriesIds, SeriesKey[] series, long[] timestamps,
            double[] values, String[] alerts) {
        this.row = row;
        this.kind = kind;
        this.count = count;
        this.seriesIds = seriesIds;
        this.series = series;
        this.timestamps = timestamps;
        this.values = values;
        this.alerts = alerts;
    }

    /** Readings: {@code series[i]} names {@code seriesIds[i]}; timestamps in epoch microseconds. */
    public static FeedEntry readings(long row, int[] seriesIds, SeriesKey[] series, long[] timestamps,
            double[] values) {
        return new FeedEntry(row, FeedKind.READINGS, seriesIds.length, seriesIds, series, timestamps, values, null);
    }

    /** Alert events, each as the JSON the stream and the webhook send. */
    public static FeedEntry alerts(long row, String[] events) {
        return new FeedEntry(row, FeedKind.ALERTS, events.length, null, null, null, null, events);
    }

    /** The feed row's position. */
    public long row() {
        return row;
    }

    public FeedKind kind() {
        return kind;
    }

    /** Readings or alert events in the row. */
    public int count() {
        return count;
    }

    /** The position just after event {@code i}, for a consumer that has taken it. */
    public FeedPosition positionOf(int i) {
        return new FeedPosition(row, i);
    }

    public int seriesId(int i) {
        return seriesIds[i];
    }

    public SeriesKey series(int i) {
        return series[i];
    }

    public long timestampMicros(int i) {
        return timestamps[i];
    }

    public double value(int i) {
        return values[i];
    }

    /** Alert event {@code i} as JSON (see {@code AlertEvent.toJson}). */
    public String alertJson(int i) {
        return alerts[i];
    }
}
