package io.tidemark.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.testing.TestServer;
import io.tidemark.testing.TidemarkServerExtension;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Live rollups never go stale: at any moment, under random ingest with late readings and with or without job runs
 * in between, {@code rollup_X_live} equals the aggregate computed from scratch over readings in the same snapshot.
 */
class LiveRollupsIT {
    private static final String[][] ROLLUPS = {{"rollup_1m", "1 minute"}, {"rollup_1h", "1 hour"},
            {"rollup_1d", "1 day"}};
    @RegisterExtension
    static final TidemarkServerExtension server = TidemarkServerExtension.with(TestServer.unscheduledJobs("jobs"));

    @Test
    void liveRollupsEqualFromScratchAggregatesAtEveryStep() throws SQLException {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int step = 0; step < 60; step++) {
            // Every 20th step runs rollup_1m for sure, so the live answers are always checked over materialized
            // buckets too, not only when the draws happen to run it (1 seed in 200 would not).
            boolean runMinutes = step % 20 == 10;
            int action = runMinutes ? 3 : random.nextInt(4);
            if (action < 3) {
                HttpResponse<String> post = server.post("/api/v1/readings", "application/json", batch(random));
                assertThat(post.statusCode()).as(post.body()).isEqualTo(200);
            } else {
                String job = runMinutes ? "rollup_1m" : ROLLUPS[random.nextInt(3)][0];
                assertThat(server.admin("POST", "/admin/jobs/" + job + "/run", null).statusCode()).isEqualTo(200);
            }
            String sensor = "live-" + random.nextInt(3);
            String[] rollup = ROLLUPS[random.nextInt(3)];
            String metric = random.nextBoolean() ? null : "m" + random.nextInt(2);
            Instant to = Instant.now().plusSeconds(3600);
            Instant from = to.minusSeconds(random.nextInt(4) == 0 ? 3 * 86_400 : 4 * 3600);
            assertThat(compare(rollup, sensor, metric, from, to))
                    .as("seed %d step %d: %s_live(%s, %s) vs readings", seed, step, rollup[0], sensor, metric)
                    .isEmpty();
        }
        assertThat(server.queryLong("SELECT count(*) FROM rollup_1m")).as("jobs did materialize").isPositive();
    }

    @Test
    void httpAnswersTheLiveBucketsOfEachMetric() {
        String ts = Instant.now().minusSeconds(120).toString();
        server.post("/api/v1/readings", "application/json", "[{\"sensor\":\"web\",\"metric\":\"a\",\"ts\":\"" + ts
                + "\",\"value\":2},{\"sensor\":\"web\",\"metric\":\"a\",\"ts\":\"" + ts + "\",\"value\":4},"
                + "{\"sensor\":\"web\",\"metric\":\"b\",\"ts\":\"" + ts + "\",\"value\":7}]");
        HttpResponse<String> response = server.get("/api/v1/rollups/1m?sensor=web&from="
                + Instant.now().minusSeconds(3600) + "&to=" + Instant.now());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("\"metric\":\"a\"", "\"metric\":\"b\"", "\"count\":2", "\"avg\":3.0",
                "\"max\":7.0");
        assertThat(server.get("/api/v1/rollups/7m?sensor=web").statusCode()).isEqualTo(404);
        assertThat(server.get("/api/v1/rollups/1m").statusCode()).isEqualTo(400);
        assertThat(server.get("/api/v1/rollups/1m?sensor=web&from=yesterday").body()).contains("from");
        assertThat(server.get("/api/v1/rollups/1m?sensor=web&from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z")
                .statusCode()).isEqualTo(400);
    }

    /** Buckets where live and from-scratch disagree, computed in one REPEATABLE READ snapshot. */
    private static List<String> compare(String[] rollup, String sensor, String metric, Instant from, Instant to)
            throws SQLException {
        String sql = """
                WITH live AS (SELECT * FROM %1$s_live(?, ?, ?, ?)),
                scratch AS (
                    SELECT s.metric, date_bin(INTERVAL '%2$s', r.ts, TIMESTAMPTZ 'epoch') AS bucket,
                           count(*) AS count, sum(r.value) AS sum, min(r.value) AS min, max(r.value) AS max
                    FROM readings r JOIN series s ON s.id = r.series_id
                    WHERE s.sensor = ? AND (?::text IS NULL OR s.metric = ?)
                      AND r.ts >= date_bin(INTERVAL '%2$s', ?::timestamptz, TIMESTAMPTZ 'epoch')
                      AND date_bin(INTERVAL '%2$s', r.ts, TIMESTAMPTZ 'epoch') < ?
                    GROUP BY 1, 2)
                SELECT coalesce(l.metric, x.metric) || ' ' || coalesce(l.bucket, x.bucket) || ' live '
                       || coalesce(l.count || '/' || l.sum || '/' || l.min || '/' || l.max, 'nothing') || ' scratch '
                       || coalesce(x.count || '/' || x.sum || '/' || x.min || '/' || x.max, 'nothing')
                FROM live l FULL JOIN scratch x ON l.metric = x.metric AND l.bucket = x.bucket
                WHERE l.bucket IS NULL OR x.bucket IS NULL OR l.count <> x.count OR l.min <> x.min
                   OR l.max <> x.max OR abs(l.sum - x.sum) > 1e-9 * greatest(1, abs(x.sum))
                LIMIT 10""".formatted(rollup[0], rollup[1]);
        try (Connection c = server.database().connect()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (PreparedStatement s = c.prepareStatement(sql)) {
                Timestamp f = Timestamp.from(from);
                Timestamp t = Timestamp.from(to);
                s.setString(1, sensor);
                s.setString(2, metric);
                s.setTimestamp(3, f);
                s.setTimestamp(4, t);
                s.setString(5, sensor);
                s.setString(6, metric);
                s.setString(7, metric);
                s.setTimestamp(8, f);
                s.setTimestamp(9, t);
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) rows.add(rs.getString(1));
                }
                return rows;
            } finally {
                c.commit();
            }
        }
    }

    private static String batch(Random random) {
        StringBuilder body = new StringBuilder("[");
        long now = System.currentTimeMillis();
        int n = 1 + random.nextInt(60);
        for (int i = 0; i < n; i++) {
            int kind = random.nextInt(10);
            long age = kind < 5 ? random.nextInt(90_000) : kind < 9 ? random.nextInt(7_200_000)
                    : random.nextInt(2 * 86_400_000);
            if (i > 0) body.append(',');
            body.append(String.format(Locale.ROOT, "{\"sensor\":\"live-%d\",\"metric\":\"m%d\",\"ts\":%d,"
                    + "\"value\":%.3f}", random.nextInt(3), random.nextInt(2), now - age, random.nextDouble() * 100));
        }
        return body.append(']').toString();
    }
}
