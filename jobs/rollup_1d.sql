-- name: rollup_1d
-- every: 1h
-- source: rollup_1h
-- target: rollup_1d
-- bucket: 1d
--
-- Per-day (UTC) rollup of every series, computed from the per-hour rollup.
DELETE FROM rollup_1d WHERE bucket >= :window_start AND bucket < :window_end;

INSERT INTO rollup_1d (series_id, bucket, count, sum, min, max, avg)
SELECT series_id, date_bin(:bucket_width, bucket, TIMESTAMPTZ 'epoch'),
       sum(count), sum(sum), min(min), max(max), sum(sum) / sum(count)
FROM rollup_1h
WHERE bucket >= :window_start AND bucket < :window_end
GROUP BY 1, 2;
