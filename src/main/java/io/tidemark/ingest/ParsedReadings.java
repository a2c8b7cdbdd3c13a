package io.tidemark.ingest;

import java.util.Arrays;

/**
 * The readings of one request as parallel arrays: compact, and no object per reading on the hot path.
 * Timestamps are epoch microseconds (UTC). Not thread-safe; handed from parser to writer, never shared.
 */
final class ParsedReadings {
    String[] sensors;
    String[] metrics;
    long[] timestamps;
    double[] values;
    int count;

    ParsedReadings(int initialCapacity) {
        int capacity = Math.max(initialCapacity, 4);
        sensors = new String[capacity];
        metrics = new String[capacity];
        timestamps = new long[capacity];
        values = new double[capacity];
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
    }
}
