-- name: silent_sensors
-- cron: */5 * * * *
-- timeout: 1m
--
-- A plain job: no watermark, it just runs on its schedule. Lists every series that reported in the last day but not
-- in the last 15 minutes (to the minute, read from rollup_1m rather than the raw readings), with its tags, so a
-- dashboard or an alerting query can find dead sensors with
--   SELECT * FROM silent_sensors ORDER BY last_seen;
--   SELECT tags->>'host' AS host, max(last_seen) FROM silent_sensors GROUP BY 1;
-- Plain jobs get :window_start (the end of the previous successful run, or one period ago) and :window_end (now).
CREATE TABLE IF NOT EXISTS silent_sensors (
    series_id integer     PRIMARY KEY,
    sensor    text        NOT NULL,
    metric    text        NOT NULL,
    last_seen timestamptz NOT NULL,
    tags      jsonb       NOT NULL DEFAULT '{}'
);
-- A table made before series had tags lacks the column (a no-op otherwise).
ALTER TABLE silent_sensors ADD COLUMN IF NOT EXISTS tags jsonb NOT NULL DEFAULT '{}';

DELETE FROM silent_sensors;

INSERT INTO silent_sensors (series_id, sensor, metric, tags, last_seen)
SELECT s.id, s.sensor, s.metric, s.tags, r.last_seen
FROM (SELECT series_id, max(bucket) + INTERVAL '1 minute' AS last_seen
      FROM rollup_1m
      WHERE bucket >= :window_end - INTERVAL '1 day' AND bucket < :window_end
      GROUP BY series_id) r
JOIN series s ON s.id = r.series_id
WHERE r.last_seen < :window_end - INTERVAL '15 minutes';
