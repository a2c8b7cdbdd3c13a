package io.tidemark.jobs;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Compares a rollup table with the aggregate computed from scratch over readings, below the job's watermark. */
final class RollupCheck {
    private RollupCheck() {}

    /** Describes up to 10 buckets where the rollup and the from-scratch aggregate disagree or either is missing. */
    static List<String> mismatches(Connection c, String job, String width) throws SQLException {
        String sql = """
                WITH expected AS (
                    SELECT series_id, date_bin(INTERVAL '%2$s', ts, TIMESTAMPTZ 'epoch') AS bucket,
                           count(*) AS count, sum(value) AS sum, min(value) AS min, max(value) AS max
                    FROM readings
                    WHERE ts < (SELECT watermark FROM job_state WHERE job = '%1$s')
                    GROUP BY 1, 2)
                SELECT coalesce(e.series_id, r.series_id) || ' ' || coalesce(e.bucket, r.bucket)
                       || ' expected ' || coalesce(e.count || '/' || e.sum || '/' || e.min || '/' || e.max, 'nothing')
                       || ' got ' || coalesce(r.count || '/' || r.sum || '/' || r.min || '/' || r.max, 'nothing')
                FROM expected e FULL JOIN %1$s r ON r.series_id = e.series_id AND r.bucket = e.bucket
                WHERE e.series_id IS NULL OR r.series_id IS NULL
                   OR e.count <> r.count OR e.min <> r.min OR e.max <> r.max
                   OR abs(e.sum - r.sum) > 1e-9 * greatest(1, abs(e.sum))
                   OR abs(r.avg - e.sum / e.count) > 1e-9 * greatest(1, abs(e.sum / e.count))
                LIMIT 10""".formatted(job, width);
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) rows.add(rs.getString(1));
        }
        return rows;
    }
}
