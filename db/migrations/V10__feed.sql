-- The feed: every committed batch of readings and every batch of stored alert events, in commit order, across all
-- nodes on this database (see docs/feed-design.md for the measurements behind this shape).
--
-- A writer appends one row per transaction, in its last statement before COMMIT, through feed_append(): it takes a
-- transaction-scoped advisory lock, then the next position. PostgreSQL releases a transaction's locks only after its
-- commit is durable and visible, so positions are taken in commit order, and a reader whose snapshot sees position p
-- sees every committed position below p: reading "position > cursor" in order never misses a row that commits later.
-- Gaps are positions of transactions that rolled back; nothing can ever fill them.

CREATE SEQUENCE feed_position AS bigint;

CREATE TABLE feed (
    position     bigint      PRIMARY KEY,
    committed_at timestamptz NOT NULL DEFAULT clock_timestamp(), -- about when: retention goes by it
    kind         text        NOT NULL CHECK (kind IN ('readings', 'alerts')),
    count        integer     NOT NULL CHECK (count > 0),          -- readings or alert events in payload
    -- readings: count x (series_id int4, ts int8 epoch microseconds, value float8), big-endian, 20 bytes each;
    -- alerts: a JSON array of alert events, UTF-8.
    payload      bytea       NOT NULL
);
-- Out of line and uncompressed: pglz compressing the payload inside the write transaction halved bulk ingest,
-- uncompressed it cost nothing measurable (docs/feed-design.md, B1 vs B2).
ALTER TABLE feed ALTER COLUMN payload SET STORAGE EXTERNAL;
-- Retention finds the newest row older than the window; rows come in committed_at order, so a BRIN index serves.
CREATE INDEX feed_committed_at ON feed USING brin (committed_at);

-- Rows below this position were removed by retention: a cursor below it has lost events (410 / 'reset').
CREATE TABLE feed_horizon (
    position bigint NOT NULL
);
INSERT INTO feed_horizon VALUES (1);
CREATE UNIQUE INDEX feed_horizon_one_row ON feed_horizon ((true));

-- Appends a row as the last statement of the caller's transaction and returns its position. Also wakes the nodes'
-- feed followers (NOTIFY is only a wake-up: they read by position). While the lock is held every writer on every
-- node waits, so a session that hangs before its COMMIT must not hold it for long: idle_in_transaction_session_timeout
-- ends such a session, rolling it back.
CREATE FUNCTION feed_append(p_kind text, p_count integer, p_payload bytea) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    p bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(1953064037, 1); -- 'tide' as an int4, and 1: the feed
    PERFORM set_config('idle_in_transaction_session_timeout', '10s', true);
    p := nextval('feed_position');
    INSERT INTO feed (position, kind, count, payload) VALUES (p, p_kind, p_count, p_payload);
    PERFORM pg_notify('tidemark_feed', p::text);
    RETURN p;
END
$$;
