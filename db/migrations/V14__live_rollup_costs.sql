-- Live rollups whose cost follows the range asked, not the history.
--
-- Measured with 10M and 100M readings (1000 series, the jobs caught up, nothing stale): one series' hour of
-- rollup_1m_live took ~2 ms at 10M and 1-2 s at 100M. Nothing was read: the time went to JIT-compiling the branch
-- that recomputes stale buckets from readings. That branch is planned whether or not anything is stale, as a join of
-- the stale list against every partition of readings; its estimated cost grows with the table (87k at 10M, 849k at
-- 100M), and past jit_above_cost (100k) PostgreSQL compiles it, inlined and optimized, before running a plan that
-- reads nothing. With buckets actually stale, the same join was planned as a parallel scan of every partition
-- (7 days of one series with 6 stale minutes: ~1 s at 10M).
--
-- So, as V5 except:
--   * JIT is off for these queries: they read one series' buckets, never enough rows to repay a compilation, and
--     the estimates that trigger it follow the table's size, not the work.
--   * A branch runs only when it has something to do (stale buckets, or a range past the watermark).
--   * Stale buckets are recomputed per run of adjacent stale buckets, each a LATERAL subquery with its own bounds:
--     PostgreSQL cannot flatten a grouped subquery, so each run is a scan of the partitions holding it, through
--     their ts index, instead of a join planned over the whole table. The same for a rollup source: one recursive
--     call per run of buckets instead of one per bucket.
--   * The stale lookup reads the pending buckets of this job's chain only, and only those in the range asked
--     (job_pending_buckets lists every pending bucket of every job; a late batch spread over days is thousands).
-- The answer is unchanged: the same buckets come from the same place, materialized or recomputed.
CREATE OR REPLACE FUNCTION tidemark_live(p_job text, p_series integer[], p_from timestamptz, p_to timestamptz)
RETURNS TABLE (series_id integer, bucket timestamptz, count bigint, sum double precision,
               min double precision, max double precision)
LANGUAGE plpgsql STABLE
SET jit = off
AS $$
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

    -- Buckets in [lo, least(hi, watermark)) whose materialized row may be stale: pending here or upstream, as
    -- job_pending_buckets defines them (dirty, or touched by a write-log entry of the job's source not yet absorbed,
    -- below that job's watermark), read for this chain and this range only.
    WITH RECURSIVE chain AS (
        SELECT j.job, j.source, j.bucket_width, j.watermark, j.log_cursor
        UNION ALL
        SELECT u.job, u.source, u.bucket_width, u.watermark, u.log_cursor
        FROM job_state u JOIN chain c ON u.target = c.source
    ),
    -- A bucket's width in fixed seconds, as date_bin counts it: '1 day' added in a session time zone with summer
    -- time would drift by an hour.
    steps AS (
        SELECT c.*, make_interval(secs => extract(epoch FROM c.bucket_width)) AS step FROM chain c
    ),
    pending AS (
        SELECT d.bucket FROM dirty_buckets d JOIN chain c ON c.job = d.job
        UNION ALL
        SELECT b.bucket
        FROM steps c
        CROSS JOIN LATERAL unnest(write_log_unabsorbed(c.source, c.log_cursor)) AS r(span)
        CROSS JOIN LATERAL generate_series(
            greatest(date_bin(c.bucket_width, lower(r.span), TIMESTAMPTZ 'epoch'),
                     date_bin(c.bucket_width, lo - INTERVAL '1 microsecond', TIMESTAMPTZ 'epoch') + c.step),
            least(upper(r.span), c.watermark, hi, j.watermark) - INTERVAL '1 microsecond',
            c.step) AS b(bucket)
        WHERE lower(r.span) < c.watermark
    )
    SELECT coalesce(array_agg(DISTINCT date_bin(j.bucket_width, p.bucket, TIMESTAMPTZ 'epoch')), '{}')
    INTO stale
    FROM pending p
    WHERE p.bucket >= lo AND p.bucket < least(hi, j.watermark);

    -- Proven-fresh materialized buckets.
    IF lo < least(hi, j.watermark) THEN
        RETURN QUERY EXECUTE format($q$
            SELECT r.series_id, r.bucket, r.count, r.sum, r.min, r.max FROM %I r
            WHERE r.series_id = ANY($1) AND r.bucket >= $2 AND r.bucket < least($3, $4) AND r.bucket <> ALL($5)$q$,
            j.target)
        USING p_series, lo, hi, j.watermark, stale;
    END IF;

    -- Everything else, from the source: the range past the watermark, then each run of adjacent stale buckets.
    IF j.source = 'readings' THEN
        IF greatest(lo, j.watermark) < hi THEN
            RETURN QUERY
            SELECT r.series_id, date_bin(j.bucket_width, r.ts, TIMESTAMPTZ 'epoch') AS b,
                   count(*), sum(r.value), min(r.value), max(r.value)
            FROM readings r
            WHERE r.series_id = ANY(p_series) AND r.ts >= greatest(lo, j.watermark) AND r.ts < hi
            GROUP BY 1, 2;
        END IF;
        IF stale <> '{}' THEN
            RETURN QUERY
            SELECT x.series_id, x.b, x.count, x.sum, x.min, x.max
            FROM tidemark_stale_runs(stale, j.bucket_width) AS s
            CROSS JOIN LATERAL (
                SELECT r.series_id, date_bin(j.bucket_width, r.ts, TIMESTAMPTZ 'epoch') AS b,
                       count(*) AS count, sum(r.value) AS sum, min(r.value) AS min, max(r.value) AS max
                FROM readings r
                WHERE r.series_id = ANY(p_series) AND r.ts >= s.run_from AND r.ts < s.run_to
                GROUP BY 1, 2) AS x;
        END IF;
    ELSE
        IF greatest(lo, j.watermark) < hi THEN
            RETURN QUERY
            SELECT u.series_id, date_bin(j.bucket_width, u.bucket, TIMESTAMPTZ 'epoch') AS b,
                   sum(u.count)::bigint, sum(u.sum), min(u.min), max(u.max)
            FROM (SELECT s.job FROM job_state s WHERE s.target = j.source) AS up,
                 LATERAL tidemark_live(up.job, p_series, greatest(lo, j.watermark), hi) AS u
            GROUP BY 1, 2;
        END IF;
        IF stale <> '{}' THEN
            RETURN QUERY
            SELECT u.series_id, date_bin(j.bucket_width, u.bucket, TIMESTAMPTZ 'epoch') AS b,
                   sum(u.count)::bigint, sum(u.sum), min(u.min), max(u.max)
            FROM tidemark_stale_runs(stale, j.bucket_width) AS s,
                 (SELECT s2.job FROM job_state s2 WHERE s2.target = j.source) AS up,
                 LATERAL tidemark_live(up.job, p_series, s.run_from, s.run_to) AS u
            GROUP BY 1, 2;
        END IF;
    END IF;
END
$$;

-- Bucket starts (aligned to p_width, any order, no duplicates) as runs of adjacent buckets [run_from, run_to):
-- each run is one scan of the source instead of one per bucket. Adjacency is counted in seconds, as date_bin does.
CREATE FUNCTION tidemark_stale_runs(p_buckets timestamptz[], p_width interval)
RETURNS TABLE (run_from timestamptz, run_to timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT min(b), max(b) + make_interval(secs => extract(epoch FROM p_width))
    FROM (SELECT b, extract(epoch FROM b) - extract(epoch FROM p_width) * row_number() OVER (ORDER BY b) AS island
          FROM unnest(p_buckets) AS u(b)) AS numbered
    GROUP BY island
$$;

-- As in V9, with the sensor matched through series_sensor_metric_bytewise: the index is bytewise (COLLATE "C"),
-- and equality is the same under every deterministic collation, so the answer is unchanged while the lookup no
-- longer reads every series.
CREATE OR REPLACE FUNCTION rollup_live(p_job text, p_sensor text, p_metric text, p_from timestamptz,
                                       p_to timestamptz, p_tags jsonb DEFAULT NULL)
RETURNS TABLE (sensor text, metric text, bucket timestamptz, count bigint, sum double precision,
               min double precision, max double precision, avg double precision, tags jsonb)
LANGUAGE sql STABLE AS $$
    SELECT s.sensor, s.metric, l.bucket, l.count, l.sum, l.min, l.max, l.sum / l.count, s.tags
    FROM tidemark_live(p_job, ARRAY(SELECT id FROM series
                                    WHERE series.sensor COLLATE "C" = p_sensor
                                      AND (p_metric IS NULL OR series.metric = p_metric)
                                      AND (p_tags IS NULL OR series.tags @> p_tags)),
                       p_from, p_to) AS l
    JOIN series s ON s.id = l.series_id
    ORDER BY s.metric, s.tags, s.id, l.bucket
$$;
