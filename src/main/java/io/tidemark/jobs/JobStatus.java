package io.tidemark.jobs;

import java.time.Instant;

/**
 * What the admin API shows of a job: its definition, its freshness (watermark, how far it lags behind now, the dirty
 * buckets still to recompute) and its runs. Incremental-only fields are null for plain jobs.
 */
public record JobStatus(
        String name,
        String kind,
        String schedule,
        String file,
        String source,
        String target,
        String bucket,
        String lag,
        Instant watermark,
        Double freshnessLagSeconds,
        Long dirtyBuckets,
        Instant oldestDirtyBucket,
        JobRun lastRun,
        Instant lastSuccess,
        Instant nextRun) {}
