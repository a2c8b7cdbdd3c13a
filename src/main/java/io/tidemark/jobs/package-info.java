/**
 * Batch jobs: SQL files from the jobs folder, run on a schedule on exactly one server instance. Incremental jobs
 * keep a watermark and recompute every bucket late data touched, so their rollups equal a from-scratch aggregate;
 * every run is recorded in {@code job_runs}. May import {@code storage}, {@code retry}, {@code time},
 * {@code config}.
 */
package io.tidemark.jobs;
