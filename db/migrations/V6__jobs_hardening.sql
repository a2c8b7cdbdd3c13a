-- Job runs that survive restarts and show their progress.

-- The schedule slot a scheduled run (or its retry) was fired for. A job's next slot is the one after the newest of
-- these, so a restart or a reload never pushes a job back, and a slot missed while no server ran is run once.
ALTER TABLE job_runs ADD COLUMN scheduled_for timestamptz;

-- How many buckets a run had to compute when it began computing (a backfill: the range asked for, where data can
-- exist); with buckets, the buckets done so far, it shows a long run's progress.
ALTER TABLE job_runs ADD COLUMN buckets_total integer;

-- The time range [lo, hi) of each partition of readings, oldest first: where readings can exist at all. A backfill
-- is bounded by them, so it never creates work for time that cannot hold data.
CREATE FUNCTION readings_partitions() RETURNS TABLE (lo timestamptz, hi timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT m[1]::timestamptz, m[2]::timestamptz
    FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    CROSS JOIN LATERAL regexp_match(pg_get_expr(c.relpartbound, c.oid), $r$FROM \('([^']+)'\) TO \('([^']+)'\)$r$)
        AS m
    WHERE i.inhparent = 'readings'::regclass
    ORDER BY 1
$$;
