package io.tidemark.jobs;

/** What a job's SQL does with its window. */
enum JobKind {
    /** Materializes buckets of a source into a target, incrementally, with a watermark and late-data tracking. */
    INCREMENTAL,
    /** Runs its statements on schedule; no watermark. */
    PLAIN
}
