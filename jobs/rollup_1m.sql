-- name: rollup_1m
-- every: 1m
-- source: readings
-- target: rollup_1m
-- bucket: 1m
-- lag: 10s
--
-- Per-minute count, sum, min, max and avg of every series, computed from the raw readings.
--
-- How an incremental job works: Tidemark binds :window_start and :window_end (a whole number of buckets,
-- half-open [start, end)) and :bucket_width, and runs the statements below in one transaction. They must leave the
-- target's buckets in that window equal to the source, whatever was there before (delete, then insert), so running
-- them twice changes nothing. Tidemark chooses the windows: new data past the watermark, and every older bucket
-- that late readings touched.
DELETE FROM rollup_1m WHERE bucket >= :window_start AND bucket < :window_end;

INSERT INTO rollup_1m (series_id, bucket, count, sum, min, max, avg)
SELECT series_id, date_bin(:bucket_width, ts, TIMESTAMPTZ 'epoch'),
       count(*), sum(value), min(value), max(value), avg(value)
FROM readings
WHERE ts >= :window_start AND ts < :window_end
GROUP BY 1, 2;
