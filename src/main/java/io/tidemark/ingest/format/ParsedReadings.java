package io.tidemark.ingest.format;

import java.util.Arrays;

/**
 * The readings of one request as parallel arrays: compact, and no object per reading on the hot path.
 * Timestamps are epoch microseconds (UTC). Not thread-safe; handed from parser to writer, never shared.
 */
public final class ParsedReadings {
    String[] sensors;
    String[] metrics;
    long[] timestamps;
    double[] values;
    int count;
    /** The earliest and latest timestamp, tracked as readings are added: the writer needs them for every batch. */
    long minTimestamp = Long.MAX_VALUE;
    long maxTimestamp = Long.MIN_VALUE;

    ParsedReadings(int initialCapacity) {
        int capacity = Math.max(initialCapacity, 4);
        sensors = new String[capacity];
        metrics = new String[capacity];
        timestamps = new long[capacity];
        values = new double[capacity];
    }

    /** How many readings; the arrays below may be longer, only their first {@code count()} entries are readings. */
    public int count() {
        return count;
    }

    /** The sensors, lent (not copied), as are the other arrays. */
    public String[] sensors() {
        return sensors;
    }

    public String[] metrics() {
        return metrics;
    }

    /** Epoch microseconds, UTC. */
    public long[] timestamps() {
        return timestamps;
    }

    public double[] values() {
        return values;
    }

    /** The earliest timestamp; {@code Long.MAX_VALUE} when there is no reading. */
    public long minTimestamp() {
        return minTimestamp;
    }

    /** The latest timestamp; {@code Long.MIN_VALUE} when there is no reading. */
    public long maxTimestamp() {
        return maxTimestamp;
    }

    void add(String sensor, String metric, long timestampMicros, double value) {
        if (count == values.length) {
            int capacity = count * 2;
            sensors = Arrays.copyOf(sensors, capacity);
            metrics = Arrays.copyOf(metrics, capacity);
            timestamps = Arrays.copyOf(timestamps, capacity);
            values = Arrays.copyOf(values, capacity);
        }
        sensors[count] = sensor;
        metrics[count] = metric;
        timestamps[count] = timestampMicros;
        values[count] = value;
        count++;
        if (timestampMicros < minTimestamp) minTimestamp = timestampMicros;
        if (timestampMicros > maxTimestamp) maxTimestamp = timestampMicros;
    }
}
