package io.tidemark.ingest;

/**
 * What a batch's transaction writes besides its readings, its idempotency keys and the write log.
 *
 * @param feed the feed row of the readings written ({@code feed.enabled})
 * @param latest the newest reading of each series written, in {@code latest} ({@code latest.enabled})
 */
public record WrittenAlongside(boolean feed, boolean latest) {}
