-- The real-time side: alerts fired by the rules in config.yaml (alerts.rules), and an index for listing series.
-- (V2 belongs to the jobs work.)

-- One row per excursion: inserted when a rule fires on a series, updated once when it resolves.
CREATE TABLE alerts (
    -- Made by the server when the rule fires, so the streamed and webhooked events carry the id of this row.
    id             uuid             PRIMARY KEY,
    rule           text             NOT NULL,
    series_id      integer          NOT NULL REFERENCES series (id),
    severity       text             NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    message        text             NOT NULL,
    ts             timestamptz      NOT NULL, -- the reading that fired the rule
    value          double precision NOT NULL,
    fired_at       timestamptz      NOT NULL, -- server time of firing
    resolved_at    timestamptz,               -- server time of resolving; null while open
    resolved_ts    timestamptz,               -- the reading that cleared the condition, if that is how it resolved
    resolved_value double precision,
    -- cleared: a reading no longer met the condition; rule_removed: the rule left config.yaml (or stopped matching
    -- the series) while the alert was open; superseded: the rule fired again on the series while this row was
    -- still open, which happens only if the resolving event was lost.
    resolution     text             CHECK (resolution IN ('cleared', 'rule_removed', 'superseded')),
    CHECK ((resolved_at IS NULL) = (resolution IS NULL))
);

-- At most one open alert per rule and series; also what start-up reads to resume open alerts.
CREATE UNIQUE INDEX alerts_open_rule_series ON alerts (rule, series_id) WHERE resolved_at IS NULL;
CREATE INDEX alerts_fired_at ON alerts (fired_at DESC, id);

CREATE VIEW alerts_v AS
SELECT a.id, a.rule, s.sensor, s.metric, a.severity, a.message, a.ts, a.value, a.fired_at,
       a.resolved_at, a.resolved_ts, a.resolved_value, a.resolution
FROM alerts a
JOIN series s ON s.id = a.series_id;

-- GET /api/v1/series pages through series by name in byte order: a sensor prefix is then one contiguous range,
-- whatever the database's collation.
CREATE INDEX series_sensor_metric_bytewise ON series (sensor COLLATE "C", metric COLLATE "C");
