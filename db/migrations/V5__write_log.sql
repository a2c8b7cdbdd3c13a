-- The fast lane: writers never wait on a job.
--
-- Until now a writer marked late readings' buckets in dirty_buckets, share-locking the jobs' state rows and locking
-- dirty rows, so a job run recomputing the same buckets (holding those rows for its whole transaction) stalled every
-- writer whose batch touched them. Now a writer only appends one row to write_log per transaction: the time ranges
-- it wrote, rounded out to whole minutes. No unique key, no row read or locked: an append never waits.
--
-- Each incremental job consumes the log of its source with a snapshot as its cursor (job_state.log_cursor): at the
-- start of a run (and every few seconds between runs, so the log stays short) it absorbs, in one REPEATABLE READ transaction, every entry committed since its cursor (its
-- buckets below the watermark become dirty_buckets, which belong to the job alone), advances the watermark, and
-- moves its cursor to that transaction's snapshot. A write is either visible in that snapshot, and so to every later
-- computation, or it is not, and its entry is absorbed by a later run: no late reading is missed, and nobody waits.
-- Entries every consumer has absorbed are deleted.

CREATE TABLE write_log (
    source  text           NOT NULL,                         -- 'readings' or the target table of a job
    xid     xid8           NOT NULL DEFAULT pg_current_xact_id(),
    touched tstzmultirange NOT NULL                          -- what the transaction wrote, in whole minutes
);
CREATE INDEX write_log_source_xid ON write_log (source, xid);

ALTER TABLE job_state ADD COLUMN log_cursor pg_snapshot NOT NULL DEFAULT pg_current_snapshot();

-- What a job has not absorbed yet: the union of the ranges of its source's entries committed since its cursor (one
-- multirange, however many entries: thousands of batches of late readings mostly cover the same few hours).
CREATE FUNCTION write_log_unabsorbed(p_source text, p_cursor pg_snapshot) RETURNS tstzmultirange
LANGUAGE sql STABLE AS $$
    SELECT range_agg(w.touched) FROM write_log w
    WHERE w.source = p_source
      AND w.xid >= pg_snapshot_xmin(p_cursor) AND NOT pg_visible_in_snapshot(w.xid, p_cursor)
$$;

-- The buckets a job still has to (re)compute below its watermark: those it absorbed, and those the log entries it
-- has not absorbed yet touch. Freshness, retention and the live functions read this, never dirty_buckets alone.
CREATE VIEW job_pending_buckets AS
SELECT d.job, d.bucket FROM dirty_buckets d
UNION
SELECT s.job, b.bucket
FROM job_state s
CROSS JOIN LATERAL unnest(write_log_unabsorbed(s.source, s.log_cursor)) AS r(span)
CROSS JOIN LATERAL generate_series(date_bin(s.bucket_width, lower(r.span), TIMESTAMPTZ 'epoch'),
                                   least(upper(r.span), s.watermark) - INTERVAL '1 microsecond',
                                   s.bucket_width) AS b(bucket)
WHERE lower(r.span) < s.watermark;

-- As in V4, with the stale buckets taken from job_pending_buckets.
CREATE OR REPLACE FUNCTION tidemark_live(p_job text, p_series integer[], p_from timestamptz, p_to timestamptz)
RETURNS TABLE (series_id integer, bucket timestamptz, count bigint, sum double precision,
               min double precision, max double precision)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    j       job_state;
    lo      timestamptz;
    hi      timestamptz;
    stale   timestamptz[];
BEGIN
    SELECT * INTO j FROM job_state s WHERE s.job = p_job;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no incremental job named %', p_job USING ERRCODE = 'undefined_object';
    END IF;
    -- Whole buckets: from the one holding p_from to the last one starting before p_to.
    lo := date_bin(j.bucket_width, p_from, TIMESTAMPTZ 'epoch');
    hi := date_bin(j.bucket_width, p_to, TIMESTAMPTZ 'epoch');
    IF hi < p_to THEN
        hi := hi + j.bucket_width;
    END IF;

    -- Buckets below the watermark whose materialized row may be stale: pending here or upstream.
    WITH RECURSIVE chain AS (
        SELECT j.job, j.source
        UNION ALL
        SELECT u.job, u.source FROM job_state u JOIN chain c ON u.target = c.source
    )
    SELECT coalesce(array_agg(DISTINCT date_bin(j.bucket_width, d.bucket, TIMESTAMPTZ 'epoch')), '{}')
    INTO stale
    FROM job_pending_buckets d JOIN chain c ON c.job = d.job
    WHERE d.bucket >= lo AND d.bucket < least(hi, j.watermark);

    -- Proven-fresh materialized buckets.
    RETURN QUERY EXECUTE format($q$
        SELECT r.series_id, r.bucket, r.count, r.sum, r.min, r.max FROM %I r
        WHERE r.series_id = ANY($1) AND r.bucket >= $2 AND r.bucket < least($3, $4) AND r.bucket <> ALL($5)$q$,
        j.target)
    USING p_series, lo, hi, j.watermark, stale;

    -- Everything else, from the source.
    IF j.source = 'readings' THEN
        RETURN QUERY
        SELECT r.series_id, date_bin(j.bucket_width, r.ts, TIMESTAMPTZ 'epoch') AS b,
               count(*), sum(r.value), min(r.value), max(r.value)
        FROM readings r
        WHERE r.series_id = ANY(p_series) AND r.ts >= greatest(lo, j.watermark) AND r.ts < hi
        GROUP BY 1, 2;
        RETURN QUERY
        SELECT r.series_id, s.b, count(*), sum(r.value), min(r.value), max(r.value)
        FROM unnest(stale) AS s(b)
        JOIN readings r ON r.ts >= s.b AND r.ts < s.b + j.bucket_width
        WHERE r.series_id = ANY(p_series)
        GROUP BY 1, 2;
    ELSE
        RETURN QUERY
        SELECT u.series_id, date_bin(j.bucket_width, u.bucket, TIMESTAMPTZ 'epoch') AS b,
               sum(u.count)::bigint, sum(u.sum), min(u.min), max(u.max)
        FROM (SELECT s.job FROM job_state s WHERE s.target = j.source) AS up,
             LATERAL tidemark_live(up.job, p_series, greatest(lo, j.watermark), hi) AS u
        GROUP BY 1, 2;
        RETURN QUERY
        SELECT u.series_id, s.b, sum(u.count)::bigint, sum(u.sum), min(u.min), max(u.max)
        FROM unnest(stale) AS s(b),
             (SELECT s2.job FROM job_state s2 WHERE s2.target = j.source) AS up,
             LATERAL tidemark_live(up.job, p_series, s.b, s.b + j.bucket_width) AS u
        GROUP BY 1, 2;
    END IF;
END
$$;
