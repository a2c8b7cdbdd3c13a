-- Tags: a series is named by sensor, metric and a set of string tags (line protocol's measurement, field key and
-- tag set). Existing series keep their names and get no tags, so every existing client and query goes on as before.

ALTER TABLE series ADD COLUMN tags jsonb NOT NULL DEFAULT '{}';

-- The identity of a series, hashed: a unique index on it stays small and within btree's row size limit however many
-- and however long the tags are. jsonb's text form is canonical (keys sorted, duplicates removed), so equal tag sets
-- hash alike whatever order they were written in. Declared immutable for the generated column: the functions it
-- calls are stable only because of encodings and date styles, and neither affects text and jsonb here.
CREATE FUNCTION tidemark_series_identity(p_sensor text, p_metric text, p_tags jsonb) RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT sha256(convert_to(jsonb_build_array(p_sensor, p_metric, p_tags)::text, 'UTF8'))
$$;

ALTER TABLE series ADD COLUMN identity bytea NOT NULL
    GENERATED ALWAYS AS (tidemark_series_identity(sensor, metric, tags)) STORED;
ALTER TABLE series ADD CONSTRAINT series_identity_key UNIQUE (identity);
ALTER TABLE series DROP CONSTRAINT series_sensor_metric_key;
ALTER TABLE series ADD CONSTRAINT series_tags_object CHECK (jsonb_typeof(tags) = 'object');

-- WHERE tags @> '{"host": "a"}' finds its series through this index.
CREATE INDEX series_tags ON series USING gin (tags jsonb_path_ops);
-- Keyset paging of GET /api/v1/series: (sensor, metric) is no longer unique, the id breaks ties.
DROP INDEX series_sensor_metric_bytewise;
CREATE INDEX series_sensor_metric_bytewise ON series (sensor COLLATE "C", metric COLLATE "C", id);

-- The views gain tags as their last column (a view can only grow at its end), so SELECT lists written before keep
-- their meaning.
CREATE OR REPLACE VIEW readings_v AS
SELECT s.sensor, s.metric, r.ts, r.value, s.tags
FROM readings r
JOIN series s ON s.id = r.series_id;

CREATE OR REPLACE VIEW alerts_v AS
SELECT a.id, a.rule, s.sensor, s.metric, a.severity, a.message, a.ts, a.value, a.fired_at,
       a.resolved_at, a.resolved_ts, a.resolved_value, a.resolution, s.tags
FROM alerts a
JOIN series s ON s.id = a.series_id;

-- Every rollup view made so far (rollup_1m_v and its kin from V2, and those tidemark_ensure_rollup made for job
-- files): a view <t>_v over a table <t> with exactly the columns of the rollup shape. Anything else is left alone.
DO $$
DECLARE
    v record;
BEGIN
    FOR v IN
        SELECT c.relname AS view, left(c.relname, -2) AS target
        FROM pg_class c
        WHERE c.relkind = 'v' AND c.relnamespace = current_schema()::regnamespace AND c.relname LIKE '%\_v'
          AND to_regclass(quote_ident(left(c.relname, -2))) IS NOT NULL
          AND (SELECT string_agg(a.attname, ',' ORDER BY a.attnum) FROM pg_attribute a
               WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped)
              = 'sensor,metric,bucket,count,sum,min,max,avg'
    LOOP
        EXECUTE format('CREATE OR REPLACE VIEW %I AS
                        SELECT s.sensor, s.metric, r.bucket, r.count, r.sum, r.min, r.max, r.avg, s.tags
                        FROM %I r JOIN series s ON s.id = r.series_id', v.view, v.target);
    END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION tidemark_ensure_rollup(p_target text) RETURNS void
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
                        SELECT s.sensor, s.metric, r.bucket, r.count, r.sum, r.min, r.max, r.avg, s.tags
                        FROM %I r JOIN series s ON s.id = r.series_id', p_target || '_v', p_target);
    END IF;
END
$$;

-- The live rollup functions gain an optional tag filter (series whose tags contain p_tags) and return each series'
-- tags last. Called as before, with five (or four) arguments, they answer as before plus the tags column.
DROP FUNCTION rollup_1m_live(text, text, timestamptz, timestamptz);
DROP FUNCTION rollup_1h_live(text, text, timestamptz, timestamptz);
DROP FUNCTION rollup_1d_live(text, text, timestamptz, timestamptz);
DROP FUNCTION rollup_live(text, text, text, timestamptz, timestamptz);

CREATE FUNCTION rollup_live(p_job text, p_sensor text, p_metric text, p_from timestamptz, p_to timestamptz,
                            p_tags jsonb DEFAULT NULL)
RETURNS TABLE (sensor text, metric text, bucket timestamptz, count bigint, sum double precision,
               min double precision, max double precision, avg double precision, tags jsonb)
LANGUAGE sql STABLE AS $$
    SELECT s.sensor, s.metric, l.bucket, l.count, l.sum, l.min, l.max, l.sum / l.count, s.tags
    FROM tidemark_live(p_job, ARRAY(SELECT id FROM series
                                    WHERE series.sensor = p_sensor AND (p_metric IS NULL OR series.metric = p_metric)
                                      AND (p_tags IS NULL OR series.tags @> p_tags)),
                       p_from, p_to) AS l
    JOIN series s ON s.id = l.series_id
    ORDER BY s.metric, s.tags, s.id, l.bucket
$$;

CREATE FUNCTION rollup_1m_live(p_sensor text, p_metric text, p_from timestamptz, p_to timestamptz,
                               p_tags jsonb DEFAULT NULL)
RETURNS TABLE (sensor text, metric text, bucket timestamptz, count bigint, sum double precision,
               min double precision, max double precision, avg double precision, tags jsonb)
LANGUAGE sql STABLE AS $$ SELECT * FROM rollup_live('rollup_1m', p_sensor, p_metric, p_from, p_to, p_tags) $$;

CREATE FUNCTION rollup_1h_live(p_sensor text, p_metric text, p_from timestamptz, p_to timestamptz,
                               p_tags jsonb DEFAULT NULL)
RETURNS TABLE (sensor text, metric text, bucket timestamptz, count bigint, sum double precision,
               min double precision, max double precision, avg double precision, tags jsonb)
LANGUAGE sql STABLE AS $$ SELECT * FROM rollup_live('rollup_1h', p_sensor, p_metric, p_from, p_to, p_tags) $$;

CREATE FUNCTION rollup_1d_live(p_sensor text, p_metric text, p_from timestamptz, p_to timestamptz,
                               p_tags jsonb DEFAULT NULL)
RETURNS TABLE (sensor text, metric text, bucket timestamptz, count bigint, sum double precision,
               min double precision, max double precision, avg double precision, tags jsonb)
LANGUAGE sql STABLE AS $$ SELECT * FROM rollup_live('rollup_1d', p_sensor, p_metric, p_from, p_to, p_tags) $$;
