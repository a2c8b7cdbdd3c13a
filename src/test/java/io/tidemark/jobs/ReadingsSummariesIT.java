package io.tidemark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.testing.TestServer;
import io.tidemark.testing.TidemarkServerExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A run of a job that reads {@code readings} summarizes the BRIN ranges written since the last summary, so that a
 * query for a time range with no data stops reading the newest pages (PostgreSQL itself summarizes them only in
 * VACUUM; here autovacuum may be off).
 */
class ReadingsSummariesIT {
    private static final Pattern LOSSY = Pattern.compile("lossy=(\\d+)");
    /** The start of today's partition (partitions are UTC days). */
    private static final String TODAY = "(date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')";
    @RegisterExtension
    static final TidemarkServerExtension server = TidemarkServerExtension.with(TestServer.unscheduledJobs("jobs"));

    @Test
    void aRollupRunSummarizesWhatWasWrittenSinceTheLastSummary() throws SQLException {
        // Early today, in today's partition; the range asked below is late today in the same partition, and empty.
        server.database().execute("""
                INSERT INTO readings (series_id, ts, value)
                SELECT 1 + mod(i, 50), %s + interval '1 minute' + i * interval '1 millisecond', i
                FROM generate_series(1, 60000) AS i""".formatted(TODAY));
        assertThat(pagesReadForAnEmptyRange()).as("unsummarized pages match every range").isGreaterThan(128);

        assertThat(server.admin("POST", "/admin/jobs/rollup_1m/run", null).statusCode()).isEqualTo(200);

        assertThat(pagesReadForAnEmptyRange()).as("after the run, the index rules them out").isZero();
    }

    /** Heap pages the BRIN bitmap scan returns for 23:00-23:01 today, where there is no reading. */
    private static long pagesReadForAnEmptyRange() throws SQLException {
        try (Connection c = server.database().connect(); Statement s = c.createStatement()) {
            s.execute("SET enable_seqscan = off");
            StringBuilder plan = new StringBuilder();
            try (ResultSet r = s.executeQuery("""
                    EXPLAIN (ANALYZE, COSTS OFF) SELECT count(*) FROM readings
                    WHERE ts >= %1$s + interval '23 hours' AND ts < %1$s + interval '23 hours 1 minute'"""
                    .formatted(TODAY))) {
                while (r.next()) plan.append(r.getString(1)).append('\n');
            }
            Matcher lossy = LOSSY.matcher(plan);
            long pages = 0;
            while (lossy.find()) pages += Long.parseLong(lossy.group(1));
            assertThat(plan).as("the scan goes through the BRIN index").contains("Bitmap Index Scan");
            return pages;
        }
    }
}
