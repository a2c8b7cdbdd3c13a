-- Always-fresh rollups: the materialized buckets a job has provably finished, combined with buckets computed on
-- the fly wherever the rollup is not up to date (past its watermark, or touched by late data and not yet
-- recomputed). Run in one statement, so one snapshot: the answer equals the from-scratch aggregate over readings
-- at the moment the query runs.

-- Buckets [bucket, bucket + width) of incremental job p_job, for the series in p_series: every whole bucket that
-- overlaps [p_from, p_to). A bucket is taken from the job's table only when it lies below the
-- job's watermark and no dirty bucket of the job or of any job upstream of it overlaps it; every other bucket is
-- aggregated from the job's source, itself read live (recursively), down to the raw readings.
CREATE FUNCTION tidemark_live(p_job text, p_series integer[], p_from timestamptz, p_to timestamptz)
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

    -- Buckets below the watermark whose materialized row may be stale: dirty here or upstream.
    WITH RECURSIVE chain AS (
        SELECT j.job, j.source
        UNION ALL
        SELECT u.job, u.source FROM job_state u JOIN chain c ON u.target = c.source
    )
    SELECT coalesce(array_agg(DISTINCT date_bin(j.bucket_width, d.bucket, TIMESTAMPTZ 'epoch')), '{}')
    INTO stale
    FROM dirty_buckets d JOIN chain c ON c.job = d.job
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

-- The live rollup of one job for one sensor, and one metric or (p_metric NULL) each of its metrics.
CREATE FUNCTION rollup_live(p_job text, p_sensor text, p_metric text, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (sensor text, metric text, bucket timestamptz, count bigint, sum double precision,
               min double precision, max double precision, avg double precision)
LANGUAGE sql STABLE AS $$
    SELECT s.sensor, s.metric, l.bucket, l.count, l.sum, l.min, l.max, l.sum / l.count
    FROM tidemark_live(p_job, ARRAY(SELECT id FROM series
                                    WHERE series.sensor = p_sensor AND (p_metric IS NULL OR series.metric = p_metric)),
                       p_from, p_to) AS l
    JOIN series s ON s.id = l.series_id
    ORDER BY s.metric, l.bucket
$$;

CREATE FUNCTION rollup_1m_live(p_sensor text, p_metric text, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (sensor text, metric text, bucket timestamptz, count bigint, sum double precision,
               min double precision, max double precision, avg double precision)
LANGUAGE sql STABLE AS $$ SELECT * FROM rollup_live('rollup_1m', p_sensor, p_metric, p_from, p_to) $$;

CREATE FUNCTION rollup_1h_live(p_sensor text, p_metric text, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (sensor text, metric text, bucket timestamptz, count bigint, sum double precision,
               min double precision, max double precision, avg double precision)
LANGUAGE sql STABLE AS $$ SELECT * FROM rollup_live('rollup_1h', p_sensor, p_metric, p_from, p_to) $$;

CREATE FUNCTION rollup_1d_live(p_sensor text, p_metric text, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (sensor text, metric text, bucket timestamptz, count bigint, sum double precision,
               min double precision, max double precision, avg double precision)
LANGUAGE sql STABLE AS $$ SELECT * FROM rollup_live('rollup_1d', p_sensor, p_metric, p_from, p_to) $$;
