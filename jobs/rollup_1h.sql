-- name: rollup_1h
-- every: 5m
-- source: rollup_1m
-- target: rollup_1h
-- bucket: 1h
--
-- Per-hour rollup of every series, computed from the per-minute rollup (60 rows an hour instead of every reading).
-- When rollup_1m recomputes minutes below this job's watermark (late data), Tidemark marks the hours they fall in
-- for recomputation here, so the chain stays exact.
DELETE FROM rollup_1h WHERE bucket >= :window_start AND bucket < :window_end;

INSERT INTO rollup_1h (series_id, bucket, count, sum, min, max, avg)
SELECT series_id, date_bin(:bucket_width, bucket, TIMESTAMPTZ 'epoch'),
       sum(count), sum(sum), min(min), max(max), sum(sum) / sum(count)
FROM rollup_1m
WHERE bucket >= :window_start AND bucket < :window_end
GROUP BY 1, 2;
