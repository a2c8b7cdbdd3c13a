package io.tidemark.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Figure 2d (issue 13): what keeping {@code latest} costs the bulk write path, and how fast "the latest value of
 * every series" (the workload's 1000) is read. Two servers of their own on the benchmark's database, one with
 * {@code latest.enabled: false} and one with the default (on), warmed up alike, measured in turn in pairs whose order
 * alternates; the ratio is the median of per-pair ratios. Then, on the latest-on server, {@link #QUERIES} queries of
 * every series' latest over SQL ({@code latest_v}) and over HTTP ({@code GET /api/v1/latest?limit=1000}), idle and
 * during one more bulk measurement.
 */
final class LatestFigures {
    static final int QUERIES = 200;
    private static final int WARM_UP_QUERIES = 1000;
    private static final String SQL = "SELECT sensor, metric, tags, ts, value FROM latest_v";
    private static final String HTTP_PATH = "/api/v1/latest?limit=1000";

    /** Query latencies in milliseconds over {@code queries} queries, each answering {@code rows} series. */
    record Latency(int queries, int rows, double p50Millis, double p99Millis) {
        static Latency of(List<Long> nanos, int rows) {
            long[] sorted = nanos.stream().mapToLong(Long::longValue).toArray();
            Arrays.sort(sorted);
            return new Latency(sorted.length, rows, quantile(sorted, 0.5), quantile(sorted, 0.99));
        }

        private static double quantile(long[] sorted, double q) {
            if (sorted.length == 0) return Double.NaN;
            return sorted[(int) Math.max(0, Math.ceil(q * sorted.length) - 1)] / 1e6;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms (%d queries of %d series)", p50Millis,
                    p99Millis, queries, rows);
        }
    }

    final Figure off;
    final Figure on;
    private Latency sqlIdle;
    private Latency httpIdle;
    private Latency sqlUnderLoad;
    private Latency httpUnderLoad;

    private final BenchSettings settings;
    private final BenchDatabase database;

    LatestFigures(BenchSettings settings, BenchDatabase database) {
        this.settings = settings;
        this.database = database;
        String load = "1000 readings/POST, " + settings.bulkConnections() + " connections";
        this.off = new Figure("2d. Tidemark bulk, latest off (`latest.enabled: false`): " + load, "readings/s");
        this.on = new Figure("2d. Tidemark bulk, latest on (the default): " + load, "readings/s");
    }

    void measure(Path work, Path bulkFile, BulkMeasurement bulk) throws Exception {
        Path offConfig = work.resolve("tidemark-latest-off.yaml");
        Files.writeString(offConfig, TidemarkServer.defaultConfig(settings) + "latest:\n  enabled: false\n");
        Path onConfig = work.resolve("tidemark-latest-on.yaml");
        Files.writeString(onConfig, TidemarkServer.defaultConfig(settings) + "latest:\n  enabled: true\n");
        try (TidemarkServer offServer = TidemarkServer.start(settings, work, "latest-off", List.of(), offConfig);
                TidemarkServer onServer = TidemarkServer.start(settings, work, "latest-on", List.of(), onConfig)) {
            Benchmark.log("latest: warm-up of latest off, then on");
            BulkMeasurement.warmUp(settings, offServer, bulkFile);
            BulkMeasurement.warmUp(settings, onServer, bulkFile);
            for (int pair = 0; pair < settings.latestPairs(); pair++) {
                Benchmark.log("latest: pair " + (pair + 1) + " of " + settings.latestPairs());
                for (int turn = 0; turn < 2; turn++) {
                    if ((pair + turn) % 2 == 0) {
                        off.runs.add(bulk.measure("bulk, latest off", offServer));
                    } else {
                        on.runs.add(bulk.measure("bulk, latest on", onServer));
                    }
                }
            }
            measureQueries(onServer, bulk);
        }
    }

    /** Idle (after a warm-up of the same queries), then during a bulk measurement, SQL and HTTP taking turns. */
    private void measureQueries(TidemarkServer server, BulkMeasurement bulk) throws Exception {
        try (Connection c = database.connect(); PreparedStatement sql = c.prepareStatement(SQL)) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + HTTP_PATH))
                    .header("Authorization", "Bearer " + TidemarkServer.ADMIN_TOKEN).GET().build();
            List<Long> sqlNanos = new ArrayList<>();
            List<Long> httpNanos = new ArrayList<>();
            int[] rows = new int[2];
            // Warm-up: prepared statements, the pool, and the JIT, which on this machine takes some hundred answers to
            // bring the HTTP answer from 30 ms to 3 ms; a dashboard asks again and again.
            for (int i = 0; i < WARM_UP_QUERIES; i++) {
                rows[0] = timeSql(sql, new ArrayList<>());
                rows[1] = timeHttp(http, request, new ArrayList<>());
            }
            for (int i = 0; i < QUERIES; i++) {
                timeSql(sql, sqlNanos);
                timeHttp(http, request, httpNanos);
            }
            sqlIdle = Latency.of(sqlNanos, rows[0]);
            httpIdle = Latency.of(httpNanos, rows[1]);
            Benchmark.log("latest of every series, idle: SQL " + sqlIdle + "; HTTP " + httpIdle);

            sqlNanos.clear();
            httpNanos.clear();
            AtomicBoolean loaded = new AtomicBoolean(true);
            CompletableFuture<Figure.Run> load = CompletableFuture.supplyAsync(() -> {
                try {
                    return bulk.measure("bulk, latest on, queried", server);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    loaded.set(false);
                }
            });
            Thread.sleep(1000); // past the load's ramp-up
            while (loaded.get() && sqlNanos.size() < QUERIES) {
                timeSql(sql, sqlNanos);
                timeHttp(http, request, httpNanos);
            }
            load.join();
            sqlUnderLoad = Latency.of(sqlNanos, rows[0]);
            httpUnderLoad = Latency.of(httpNanos, rows[1]);
            Benchmark.log("latest of every series, under the bulk load: SQL " + sqlUnderLoad + "; HTTP "
                    + httpUnderLoad);
        }
    }

    /** Runs the query, reading every row; returns the rows. */
    private static int timeSql(PreparedStatement sql, List<Long> nanos) throws Exception {
        long started = System.nanoTime();
        int rows = 0;
        try (ResultSet rs = sql.executeQuery()) {
            while (rs.next()) {
                rs.getString(1);
                rs.getString(2);
                rs.getString(3);
                rs.getObject(4);
                rs.getDouble(5);
                rows++;
            }
        }
        nanos.add(System.nanoTime() - started);
        return rows;
    }

    /** GETs every series' latest, the whole body; returns the series in it. */
    private static int timeHttp(HttpClient http, HttpRequest request, List<Long> nanos) throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
        nanos.add(System.nanoTime() - started);
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("GET " + HTTP_PATH + " answered " + answer.statusCode() + ": "
                    + answer.body());
        }
        String body = answer.body();
        int series = 0;
        for (int at = body.indexOf("\"sensor\":"); at >= 0; at = body.indexOf("\"sensor\":", at + 1)) series++;
        return series;
    }

    long lost() {
        return off.totalLost() + on.totalLost();
    }

    /** The figure's rows of the table. */
    void rows(StringBuilder b) {
        Results.row(b, off, "");
        Results.row(b, on, Results.ratio(on, off, "latest off"));
        if (sqlIdle != null) {
            b.append(String.format(Locale.ROOT, "| 2d. Latest value of every series (%d series): SQL `%s`; HTTP"
                    + " `GET %s`; %d queries each, idle, then during a bulk measurement | idle: **SQL p50 %.1f ms,"
                    + " HTTP p50 %.1f ms**; p99 %.1f ms and %.1f ms | under the bulk load: SQL p50 %.1f ms, p99 %.1f"
                    + " ms; HTTP p50 %.1f ms, p99 %.1f ms (%d queries each) | | | |%n", sqlIdle.rows(), SQL,
                    HTTP_PATH, QUERIES, sqlIdle.p50Millis(), httpIdle.p50Millis(), sqlIdle.p99Millis(),
                    httpIdle.p99Millis(), sqlUnderLoad.p50Millis(), sqlUnderLoad.p99Millis(),
                    httpUnderLoad.p50Millis(), httpUnderLoad.p99Millis(), sqlUnderLoad.queries()));
        }
    }

    void targets(StringBuilder b) {
        if (on.measured() && off.measured()) {
            double kept = on.ratioTo(off);
            Results.target(b, "keeping latest costs bulk ingest at most 5% (issue 13)",
                    String.format(Locale.ROOT, "%.0f%% kept", 100 * kept), kept >= 0.95);
        }
        if (sqlIdle != null) {
            boolean every = sqlIdle.rows() == 1000 && httpIdle.rows() == 1000;
            Results.target(b, "latest value of every series (1000 series) < 10 ms over SQL and HTTP (issue 13;"
                    + " median, idle)", String.format(Locale.ROOT, "SQL %.1f ms, HTTP %.1f ms%s", sqlIdle.p50Millis(),
                            httpIdle.p50Millis(), every ? "" : "; **not 1000 series**: " + sqlIdle.rows() + " and "
                                    + httpIdle.rows()),
                    every && sqlIdle.p50Millis() < 10 && httpIdle.p50Millis() < 10);
        }
        long lost = lost();
        Results.target(b, "latest figures (2d): no acknowledged reading lost", lost + " lost", lost == 0);
    }

    String notes() {
        return """

                ### 2d. Latest
                Two servers of their own, `latest.enabled` false and true, warmed up alike, take the bulk figure's \
                load in turn, in pairs whose order alternates; the ratio is the median of per-pair ratios. Each \
                measurement starts with an empty `readings` table, but `latest` keeps its rows from one measurement \
                to the next, as in production; the bulk load's timestamps are shuffled over %d days, so most of \
                a batch's readings are older than their series' row and are left out of the upsert (they lock \
                nothing); a load in time order would update every row. Then, on the latest-on server, %d queries of \
                every series' latest (after %d to warm up) over one JDBC connection (a prepared statement, every \
                row read) and over HTTP (`GET %s`, the whole body read), idle, and then again during one more bulk \
                measurement, from the benchmark's JVM.
                """.formatted(Workload.SPAN_DAYS, QUERIES, WARM_UP_QUERIES, HTTP_PATH);
    }
}
