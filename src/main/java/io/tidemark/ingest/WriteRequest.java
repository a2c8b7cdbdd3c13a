package io.tidemark.ingest;

import java.util.concurrent.CompletableFuture;

/**
 * One request's validated readings waiting for the writer, and the future its HTTP answer hangs on.
 * {@code idempotencyKey} and {@code requestHash} are null when the client sent no key.
 */
final class WriteRequest {
    final int[] seriesIds;
    final String[] sensors;
    final String[] metrics;
    final long[] timestamps;
    final double[] values;
    final int count;
    final String idempotencyKey;
    final String requestHash;
    final CompletableFuture<IngestResult> result = new CompletableFuture<>();

    WriteRequest(int[] seriesIds, String[] sensors, String[] metrics, long[] timestamps, double[] values, int count, String idempotencyKey,
            String requestHash) {
        this.seriesIds = seriesIds;
        this.sensors = sensors;
        this.metrics = metrics;
        this.timestamps = timestamps;
        this.values = values;
        this.count = count;
        this.idempotencyKey = idempotencyKey;
        this.requestHash = requestHash;
    }
}
