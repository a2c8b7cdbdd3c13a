package io.tidemark.jobs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One job file, parsed and validated. Incremental jobs have a source, a target (declared on line {@code
 * targetLine} of the file) and a bucket width; plain jobs have none of them. {@code statements} are the body's SQL
 * statements in order, with named parameters {@code :window_start}, {@code :window_end} and (incremental jobs)
 * {@code :bucket_width}.
 */
record JobDefinition(
        String name,
        Path file,
        JobKind kind,
        Schedule schedule,
        String source,
        String target,
        int targetLine,
        Duration bucket,
        Duration lag,
        Duration timeout,
        int maxBuckets,
        Duration retention,
        List<String> statements) {

    /**
     * The most buckets one run moves the watermark by (a day of a minute job); a job further behind runs again at
     * once. Computing them takes {@code maxBuckets} per transaction.
     */
    static final int MAX_ADVANCE_BUCKETS = 1440;

    boolean incremental() {
        return kind == JobKind.INCREMENTAL;
    }

    /** What, if changed, invalidates the job's materialized state: it then starts again from scratch. */
    String stateIdentity() {
        return kind + "|" + source + "|" + target + "|" + bucket.toSeconds() + "|" + String.join(";\n", statements);
    }
}
