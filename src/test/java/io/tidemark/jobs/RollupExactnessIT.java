package io.tidemark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.testing.TestServer;
import io.tidemark.testing.TidemarkServerExtension;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The central promise of the job engine: whatever mix of in-order, out-of-order and late readings arrives, and
 * whatever the interleaving of job runs, once the jobs have run every rollup row equals the aggregate computed from
 * scratch over {@code readings}, and no bucket is missing.
 */
class RollupExactnessIT {
    private static final String[] JOBS = {"rollup_1m", "rollup_1h", "rollup_1d"};
    private static final String[] WIDTHS = {"1 minute", "1 hour", "1 day"};
    @RegisterExtension
    static final TidemarkServerExtension server = TidemarkServerExtension.with(TestServer.unscheduledJobs("jobs"));

    @Test
    void rollupsEqualFromScratchAggregatesAfterRandomLateDataAndConcurrentRuns() throws Exception {
        for (int round = 0; round < 4; round++) {
            long seed = System.nanoTime();
            Random random = new Random(seed);
            AtomicBoolean ingesting = new AtomicBoolean(true);
            AtomicReference<Throwable> runnerFailure = new AtomicReference<>();
            // Job runs race with ingest: the interleavings the locking protocol must get right.
            Thread runner = new Thread(() -> {
                Random r = new Random(seed + 1);
                try {
                    while (ingesting.get()) {
                        HttpResponse<String> run = server.admin("POST", "/admin/jobs/" + JOBS[r.nextInt(3)] + "/run",
                                null);
                        assertThat(run.statusCode()).as(run.body()).isIn(200, 409);
                        Thread.sleep(r.nextInt(30));
                    }
                } catch (Throwable t) {
                    runnerFailure.set(t);
                }
            });
            runner.start();
            for (int batch = 0; batch < 40; batch++) {
                HttpResponse<String> post = server.post("/api/v1/readings", "application/json", randomBatch(random));
                assertThat(post.statusCode()).as("seed %d: %s", seed, post.body()).isEqualTo(200);
                if (random.nextInt(5) == 0) runAll(random.nextInt(3) + 1);
            }
            ingesting.set(false);
            runner.join();
            assertThat(runnerFailure.get()).as("seed %d", seed).isNull();
            runAll(3);
            for (int j = 0; j < JOBS.length; j++) {
                assertThat(mismatches(JOBS[j], WIDTHS[j])).as("seed %d: %s differs from readings", seed, JOBS[j])
                        .isEmpty();
            }
            assertThat(server.queryLong("SELECT count(*) FROM rollup_1m")).isPositive();
        }
    }

    @Test
    void runningAJobAgainChangesNothing() throws Exception {
        server.post("/api/v1/readings", "application/json", randomBatch(new Random(7)));
        runAll(3);
        server.execute("CREATE TABLE rollup_before AS SELECT * FROM rollup_1m");
        HttpResponse<String> backfill = server.admin("POST", "/admin/jobs/rollup_1m/run",
                "{\"from\": \"" + Instant.now().minusSeconds(6 * 3600) + "\", \"to\": \"" + Instant.now() + "\"}");
        assertThat(backfill.statusCode()).as(backfill.body()).isEqualTo(202);
        assertThat(backfill.body()).contains("\"trigger\":\"backfill\"");
        JsonNode done = JobsAdminIT.awaitRun(server.get(), backfill);
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("succeeded");
        // Sums are doubles: a recomputation may add in another order, so they agree to rounding, the rest exactly.
        assertThat(strings("""
                SELECT coalesce(a.series_id, b.series_id) || ' ' || coalesce(a.bucket, b.bucket)
                FROM rollup_before a FULL JOIN rollup_1m b ON a.series_id = b.series_id AND a.bucket = b.bucket
                WHERE a.series_id IS NULL OR b.series_id IS NULL OR a.count <> b.count OR a.min <> b.min
                   OR a.max <> b.max OR abs(a.sum - b.sum) > 1e-9 * greatest(1, abs(a.sum))""")).isEmpty();
        assertThat(server.queryLong("SELECT count(*) FROM rollup_before")).isPositive();
    }

    /** Up to 200 readings of 16 series: mostly recent, some late by up to three hours, a few slightly ahead. */
    private static String randomBatch(Random random) {
        StringBuilder body = new StringBuilder("[");
        int n = 1 + random.nextInt(200);
        long now = System.currentTimeMillis();
        for (int i = 0; i < n; i++) {
            int kind = random.nextInt(10);
            long ageMillis = kind < 5 ? random.nextInt(120_000)
                    : kind < 8 ? random.nextInt(3_600_000)
                    : kind < 9 ? random.nextInt(3 * 3_600_000)
                    : -random.nextInt(600_000);
            if (i > 0) body.append(',');
            body.append(String.format(Locale.ROOT, "{\"sensor\":\"s%d\",\"metric\":\"m%d\",\"ts\":%d,\"value\":%.3f}",
                    random.nextInt(8), random.nextInt(2), now - ageMillis, random.nextDouble() * 2000 - 1000));
        }
        return body.append(']').toString();
    }

    private static void runAll(int upTo) {
        for (int j = 0; j < upTo; j++) {
            HttpResponse<String> run;
            do {
                run = server.admin("POST", "/admin/jobs/" + JOBS[j] + "/run", null);
            } while (run.statusCode() == 409); // the background runner has it; run again after it
            assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
        }
    }

    private static List<String> mismatches(String job, String width) throws SQLException {
        try (Connection c = server.database().connect()) {
            return RollupCheck.mismatches(c, job, width);
        }
    }

    private static List<String> strings(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = server.database().connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) rows.add(rs.getString(1));
        }
        return rows;
    }
}
