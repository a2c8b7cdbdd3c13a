-- Batch jobs: their state, the buckets late data has touched, their run history, and the shipped rollup tables.

-- One row per incremental job. watermark: every bucket below it has been claimed for materialization; buckets
-- claimed but not yet computed, and buckets touched by late data, are listed in dirty_buckets.
CREATE TABLE job_state (
    job             text        PRIMARY KEY,
    source          text        NOT NULL,             -- 'readings' or the target table of another job
    target          text        NOT NULL,             -- the table the job materializes
    bucket_width    interval    NOT NULL,
    watermark       timestamptz NOT NULL,
    definition_hash text        NOT NULL,             -- a changed source/bucket resets the job
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX job_state_source ON job_state (source);

-- Buckets [bucket, bucket + width) a job must (re)compute. Writers add them in the transaction of the late
-- readings; a job run deletes them in the transaction that writes the recomputed rollups.
CREATE TABLE dirty_buckets (
    job    text        NOT NULL REFERENCES job_state (job) ON DELETE CASCADE,
    bucket timestamptz NOT NULL,
    PRIMARY KEY (job, bucket)
);

CREATE TABLE job_runs (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job            text        NOT NULL,
    trigger        text        NOT NULL CHECK (trigger IN ('schedule', 'admin', 'backfill', 'retry')),
    status         text        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'abandoned')),
    instance       text        NOT NULL,
    window_start   timestamptz,
    window_end     timestamptz,
    buckets        integer,
    rows_written   bigint,
    started_at     timestamptz NOT NULL DEFAULT now(),
    finished_at    timestamptz,
    error_sqlstate text,
    error_message  text
);

CREATE INDEX job_runs_job_id ON job_runs (job, id DESC);

-- The shipped rollups. bucket is the start of [bucket, bucket + width), aligned to the Unix epoch (UTC).
CREATE TABLE rollup_1m (
    series_id integer          NOT NULL,
    bucket    timestamptz      NOT NULL,
    count     bigint           NOT NULL,
    sum       double precision NOT NULL,
    min       double precision NOT NULL,
    max       double precision NOT NULL,
    avg       double precision NOT NULL,
    PRIMARY KEY (series_id, bucket)
);
CREATE INDEX rollup_1m_bucket ON rollup_1m (bucket);

CREATE TABLE rollup_1h (LIKE rollup_1m INCLUDING ALL);
CREATE TABLE rollup_1d (LIKE rollup_1m INCLUDING ALL);

CREATE VIEW rollup_1m_v AS
SELECT s.sensor, s.metric, r.bucket, r.count, r.sum, r.min, r.max, r.avg
FROM rollup_1m r JOIN series s ON s.id = r.series_id;

CREATE VIEW rollup_1h_v AS
SELECT s.sensor, s.metric, r.bucket, r.count, r.sum, r.min, r.max, r.avg
FROM rollup_1h r JOIN series s ON s.id = r.series_id;

CREATE VIEW rollup_1d_v AS
SELECT s.sensor, s.metric, r.bucket, r.count, r.sum, r.min, r.max, r.avg
FROM rollup_1d r JOIN series s ON s.id = r.series_id;
