package io.tidemark.stream;

import io.tidemark.ingest.CommittedReadings;
import io.tidemark.names.Tags;

/**
 * The readings of one committed batch, copied once into flat arrays and then shared, read-only, by every stream
 * client's queue: the committed batch itself belongs to the writer and is only lent for the listener call.
 */
final class ReadingBatch {
    final String[] sensors;
    final String[] metrics;
    final Tags[] tags;
    final long[] timestamps;
    final double[] values;
    final int count;

    private ReadingBatch(int count) {
        this.sensors = new String[count];
        this.metrics = new String[count];
        this.tags = new Tags[count];
        this.timestamps = new long[count];
        this.values = new double[count];
        this.count = count;
    }

    static ReadingBatch copyOf(CommittedReadings readings) {
        ReadingBatch batch = new ReadingBatch(readings.count());
        int[] next = {0};
        readings.forEach((seriesId, sensor, metric, tags, tsMicros, value) -> {
            int i = next[0]++;
            batch.sensors[i] = sensor;
            batch.metrics[i] = metric;
            batch.tags[i] = tags;
            batch.timestamps[i] = tsMicros;
            batch.values[i] = value;
        });
        return batch;
    }

    /** A batch built directly, for tests. */
    static ReadingBatch of(String[] sensors, String[] metrics, long[] timestamps, double[] values) {
        ReadingBatch batch = new ReadingBatch(sensors.length);
        System.arraycopy(sensors, 0, batch.sensors, 0, sensors.length);
        System.arraycopy(metrics, 0, batch.metrics, 0, metrics.length);
        java.util.Arrays.fill(batch.tags, Tags.NONE);
        System.arraycopy(timestamps, 0, batch.timestamps, 0, timestamps.length);
        System.arraycopy(values, 0, batch.values, 0, values.length);
        return batch;
    }
}
