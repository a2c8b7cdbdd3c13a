/**
 * The read side: answers that are never stale (live rollups computed from materialized buckets and raw readings
 * together, by the SQL function {@code rollup_live}), series, raw readings and the latest reading of every series,
 * with the typed, every-problem-at-once parsing of query parameters and the sensor/metric globs that the stream and
 * alerts share. May import {@code names}, {@code time} and {@code config}.
 */
package io.tidemark.query;
