-- The newest reading of every series, kept by the write transaction: "latest value of every series", the first
-- panel of a dashboard, reads 1000 rows here instead of scanning readings (which has no index by series).
--
-- Every batch upserts one row per series it wrote (its newest reading of that series), in series_id order so that
-- two writers, on one node or two, always take the rows' locks in the same order and never deadlock. A reading
-- older than the row's never moves it back. At the same ts, the later write replaces the value: writers of one
-- series queue on its row until commit, so "later" is commit order, the order the feed shows them in.
--
-- No foreign key to series, as readings has none: series rows are never deleted, ids come only from the series
-- registry, and the key's check would look up and lock (FOR KEY SHARE, which writes the series row) each series the
-- first time a batch writes it, inside the write transaction. latest_v joins series, as readings_v does.
CREATE TABLE latest (
    series_id integer          PRIMARY KEY,
    ts        timestamptz      NOT NULL,
    value     double precision NOT NULL
) WITH (fillfactor = 20);
-- Every row is updated by nearly every batch, a page's rows by one statement, which cannot prune the versions it
-- makes as it goes: a page needs room for each of its rows' old and new versions, and for a concurrent writer's.
-- Measured with 1000 rows upserted per statement by two clients: 51% of updates HOT (the new version on the same
-- page, the index untouched) at fillfactor 50, 73% at 30, 99% at 20, and only at 20 did the table stop growing.
-- About 270 MB per million series.

-- Retention: when readings partitions are dropped, the rows of series whose every reading went with them are deleted
-- in the same transaction (see PartitionManager.dropEndingBefore), so latest always agrees with readings.

-- Existing databases: the newest reading of each series as of now. Readings stored at the same ts as the newest
-- leave no trace of their order, so one of them is taken. A node of an earlier version still writing during the
-- upgrade leaves its series behind here until a node of this version writes them again.
INSERT INTO latest (series_id, ts, value)
SELECT DISTINCT ON (series_id) series_id, ts, value
FROM readings
ORDER BY series_id, ts DESC;

-- Columns in readings_v's order: names, time, value, tags last.
CREATE VIEW latest_v AS
SELECT s.sensor, s.metric, l.ts, l.value, s.tags
FROM latest l
JOIN series s ON s.id = l.series_id;
