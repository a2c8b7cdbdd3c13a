package io.tidemark.ingest;

import io.tidemark.ingest.format.ParsedReadings;
import io.tidemark.names.Tags;
import java.util.concurrent.CompletableFuture;

/**
 * One request's validated readings waiting for the writer, and the future its HTTP answer hangs on. Identity
 * equality: two requests are never the same, whatever they carry. {@code idempotencyKey} and {@code requestHash} are
 * null when the request has no key (neither the client's nor its body's own, see {@code IdempotencyKeys}).
 */
final class WriteRequest {
    final int[] seriesIds;
    final String[] sensors;
    final String[] metrics;
    final Tags[] tags;
    final long[] timestamps;
    final double[] values;
    final int count;
    /** The earliest and latest timestamp, epoch microseconds: the request's time range, computed once. */
    final long minTimestamp;
    final long maxTimestamp;
    final String idempotencyKey;
    final String requestHash;
    final CompletableFuture<IngestResult> result = new CompletableFuture<>();

    WriteRequest(ParsedReadings readings, int[] seriesIds, String idempotencyKey, String requestHash) {
        this.seriesIds = seriesIds;
        this.sensors = readings.sensors();
        this.metrics = readings.metrics();
        this.tags = readings.tags();
        this.timestamps = readings.timestamps();
        this.values = readings.values();
        this.count = readings.count();
        this.minTimestamp = readings.minTimestamp();
        this.maxTimestamp = readings.maxTimestamp();
        this.idempotencyKey = idempotencyKey;
        this.requestHash = requestHash;
    }
}
