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

-- Makes p_target usable as the table of an incremental job, at load: creates the rollup table (the shape the live
-- functions and downstream jobs read), its bucket index and its view <target>_v when they do not exist, and
-- refuses a relation that exists with another shape. So adding a rollup is adding a job file, never a migration.
CREATE FUNCTION tidemark_ensure_rollup(p_target text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    rel     regclass := to_regclass(quote_ident(p_target));
    kind    "char";
    lacking text;
BEGIN
    IF length(p_target) > 61 THEN
        RAISE EXCEPTION 'the name % is too long: it and its view %_v must fit in 63 characters', p_target, p_target
            USING ERRCODE = 'name_too_long';
    END IF;
    IF rel IS NULL THEN
        EXECUTE format('CREATE TABLE %I (
                            series_id integer          NOT NULL,
                            bucket    timestamptz      NOT NULL,
                            count     bigint           NOT NULL,
                            sum       double precision NOT NULL,
                            min       double precision NOT NULL,
                            max       double precision NOT NULL,
                            avg       double precision NOT NULL,
                            PRIMARY KEY (series_id, bucket))', p_target);
        EXECUTE format('CREATE INDEX %I ON %I (bucket)', p_target || '_bucket', p_target);
        rel := to_regclass(quote_ident(p_target));
    END IF;
    SELECT c.relkind INTO kind FROM pg_class c WHERE c.oid = rel;
    IF kind NOT IN ('r', 'p') THEN
        RAISE EXCEPTION '% exists and is not a table', rel USING ERRCODE = 'wrong_object_type';
    END IF;
    SELECT string_agg(w.col || ' ' || w.typ, ', ') INTO lacking
    FROM (VALUES (1, 'series_id', 'integer'), (2, 'bucket', 'timestamp with time zone'), (3, 'count', 'bigint'),
                 (4, 'sum', 'double precision'), (5, 'min', 'double precision'), (6, 'max', 'double precision'),
                 (7, 'avg', 'double precision')) AS w(n, col, typ)
    WHERE NOT EXISTS (SELECT 1 FROM pg_attribute a
                      WHERE a.attrelid = rel AND a.attname = w.col AND NOT a.attisdropped
                        AND format_type(a.atttypid, a.atttypmod) = w.typ);
    IF lacking IS NOT NULL THEN
        RAISE EXCEPTION 'table % exists but is not a rollup table: it lacks %', rel, lacking
            USING ERRCODE = 'wrong_object_type';
    END IF;
    IF to_regclass(quote_ident(p_target || '_v')) IS NULL THEN
        EXECUTE format('CREATE VIEW %I AS
                        SELECT s.sensor, s.metric, r.bucket, r.count, r.sum, r.min, r.max, r.avg
                        FROM %I r JOIN series s ON s.id = r.series_id', p_target || '_v', p_target);
    END IF;
END
$$;
