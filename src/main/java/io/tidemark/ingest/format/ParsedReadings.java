package io.tidemark.ingest.format;

import io.tidemark.names.Tags;
import java.util.Arrays;

/**
 * The readings of one request as parallel arrays: compact, and no object per reading on the hot path.
 * Timestamps are epoch microseconds (UTC). A series is named by sensor, metric and tags. Not thread-safe; handed from
 * parser to writer, never shared.
 */
public final class ParsedReadings {
    String[] sensors;
    String[] metrics;
    Tags[] tags;
    long[] timestamps;
    double[] values;
    int count;
    /** The earliest and latest timestamp, tracked as readings are added: the writer needs them for every batch. */
    long minTimestamp = Long.MAX_VALUE;
    long maxTimestamp = Long.MIN_VALUE;
    /** Values in the body that are not readings and were left out on purpose, by {@link SkipReason}. */
    private final int[] skipped = new int[SkipReason.values().length];
    /** Whether some reading took the time of receipt, having no timestamp of its own in the body. */
    boolean timestampsDefaulted;

    ParsedReadings(int initialCapacity) {
        int capacity = Math.max(initialCapacity, 4);
        sensors = new String[capacity];
        metrics = new String[capacity];
        tags = new Tags[capacity];
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

    /** The tag sets; readings of one series may share one instance. */
    public Tags[] tags() {
        return tags;
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

    /**
     * How many values of the body were skipped on purpose, as not being readings (a string field in line protocol, a
     * NaN in remote write); the client hears the count.
     */
    public int skipped() {
        int total = 0;
        for (int count : skipped) total += count;
        return total;
    }

    /** How many values of the body were skipped for {@code reason}. */
    public int skipped(SkipReason reason) {
        return skipped[reason.ordinal()];
    }

    void skip(SkipReason reason, int count) {
        skipped[reason.ordinal()] += count;
    }

    /**
     * Whether every reading's timestamp came from the body. Only then is a body the same points when sent again,
     * and so its own idempotency key.
     */
    public boolean timestampsFromBody() {
        return !timestampsDefaulted;
    }

    void add(String sensor, String metric, long timestampMicros, double value) {
        add(sensor, metric, Tags.NONE, timestampMicros, value);
    }

    void add(String sensor, String metric, Tags tagSet, long timestampMicros, double value) {
        if (count == values.length) {
            int capacity = count * 2;
            sensors = Arrays.copyOf(sensors, capacity);
            metrics = Arrays.copyOf(metrics, capacity);
            tags = Arrays.copyOf(tags, capacity);
            timestamps = Arrays.copyOf(timestamps, capacity);
            values = Arrays.copyOf(values, capacity);
        }
        sensors[count] = sensor;
        metrics[count] = metric;
        tags[count] = tagSet;
        timestamps[count] = timestampMicros;
        values[count] = value;
        count++;
        if (timestampMicros < minTimestamp) minTimestamp = timestampMicros;
        if (timestampMicros > maxTimestamp) maxTimestamp = timestampMicros;
    }
}
