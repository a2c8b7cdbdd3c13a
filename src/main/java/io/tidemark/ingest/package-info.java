/**
 * The write path: a request's readings, parsed by a {@link io.tidemark.ingest.format.ReadingFormat}, get their series
 * and wait in a bounded admission queue; group-commit writer threads COPY many requests in one transaction (claiming
 * idempotency keys and marking late data's rollup buckets in the same transaction), retry a lost database, and
 * acknowledge each request only after commit. Each batch's readings go to the feed in the same transaction, which is
 * how the stream and the alerts of every node hear of them. Independent of HTTP. May import {@code ingest.format},
 * {@code feed}, {@code names}, {@code storage}, {@code retry}, {@code time}, {@code config}.
 */
package io.tidemark.ingest;
