package io.tidemark.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Figure 6: what a {@code rollup_1m} run costs. (a) One incremental run over one fresh minute of 100k readings, with
 * a small and with a ten times larger history already in {@code readings}: the cost must follow the new data, not the
 * history. (b) Recomputing one whole day of {@code rollup_1m} (a backfill through the admin API) against one plain
 * {@code INSERT ... SELECT ... GROUP BY} of the same day. History is loaded with binary COPY straight into the table
 * and counts as materialized (the job's watermark is set past it), as after months of running.
 */
final class RollupFigures {
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;
    private static final int FRESH_READINGS = 100_000;
    private static final int SERIES = 1000;
    private static final int HISTORY_DAYS = 25;
    private static final Pattern RUN_TIMES = Pattern.compile(
            "\"started_at\":\"([^\"]+)\".*\"finished_at\":\"([^\"]+)\"");

    /** One history size and the median time of an incremental run at that size. */
    record Incremental(long history, double medianMillis, List<Double> runs) {}

    record Outcome(List<Incremental> incremental, double backfillMillis, double plainMillis, long dayReadings) {}

    private final BenchSettings settings;
    private final BenchDatabase database;
    private final HttpClient http = HttpClient.newHttpClient();
    private int[] series;

    RollupFigures(BenchSettings settings, BenchDatabase database) {
        this.settings = settings;
        this.database = database;
    }

    Outcome measure(Path work, List<Long> histories) throws Exception {
        Path config = work.resolve("tidemark-rollups.yaml");
        Files.writeString(config, TidemarkServer.defaultConfig(settings));
        try (TidemarkServer server = TidemarkServer.start(settings, work, "rollups", List.of(), config);
                Connection c = database.connect()) {
            // After the server has started: run alone (BENCH_FIGURES=rollups), its migrations make the schema.
            database.reset();
            createPartitions(c);
            series = createSeries(c);
            List<Incremental> incremental = new ArrayList<>();
            long loaded = 0;
            for (long history : histories) {
                Benchmark.log("rollups: loading history up to " + history + " readings");
                copyHistory(history - loaded);
                loaded = history;
                // Settle the load before timing: statistics, visibility map, and its dirty pages written out.
                execute(c, "VACUUM ANALYZE readings");
                execute(c, "CHECKPOINT");
                List<Double> runs = new ArrayList<>();
                for (int i = 0; i < settings.repeats(); i++) runs.add(incrementalRun(server, c));
                incremental.add(new Incremental(history, median(runs), runs));
                Benchmark.log("rollups: incremental run with " + history + " readings: " + runs + " ms");
            }
            Instant day = LocalDate.now(ZoneOffset.UTC).minusDays(2).atStartOfDay(ZoneOffset.UTC).toInstant();
            long dayReadings = count(c, "SELECT count(*) FROM readings WHERE ts >= '" + day + "' AND ts < '"
                    + day.plus(Duration.ofDays(1)) + "'");
            List<Double> backfills = new ArrayList<>();
            List<Double> plains = new ArrayList<>();
            execute(c, "CREATE TABLE rollup_plain (LIKE rollup_1m INCLUDING ALL)");
            for (int i = 0; i < settings.repeats(); i++) {
                backfills.add(runMillis(server, "{\"from\":\"" + day + "\",\"to\":\"" + day.plus(Duration.ofDays(1))
                        + "\"}"));
                execute(c, "TRUNCATE rollup_plain");
                long started = System.nanoTime();
                execute(c, """
                        INSERT INTO rollup_plain (series_id, bucket, count, sum, min, max, avg)
                        SELECT series_id, date_bin('1 minute', ts, TIMESTAMPTZ 'epoch'),
                               count(*), sum(value), min(value), max(value), avg(value)
                        FROM readings WHERE ts >= '%s' AND ts < '%s' GROUP BY 1, 2"""
                        .formatted(day, day.plus(Duration.ofDays(1))));
                plains.add((System.nanoTime() - started) / 1e6);
            }
            execute(c, "DROP TABLE rollup_plain");
            return new Outcome(incremental, median(backfills), median(plains), dayReadings);
        }
    }

    /**
     * Times one incremental run whose window holds one fresh minute of FRESH_READINGS readings (and its empty tail).
     */
    private double incrementalRun(TidemarkServer server, Connection c) throws Exception {
        long now = System.currentTimeMillis() * 1000;
        long minute = Math.floorDiv(now, 60_000_000L) * 60_000_000L - 120_000_000L;
        execute(c, "DELETE FROM readings WHERE ts >= to_timestamp(" + minute / 1_000_000 + ")");
        SplittableRandom random = new SplittableRandom(minute);
        copy(c, rows(FRESH_READINGS, i -> minute + random.nextLong(60_000_000L), random));
        execute(c, "UPDATE job_state SET watermark = to_timestamp(" + minute / 1_000_000 + ") WHERE job = 'rollup_1m'");
        execute(c, "DELETE FROM dirty_buckets WHERE job = 'rollup_1m'");
        return runMillis(server, null);
    }

    /**
     * Runs rollup_1m through the admin API; its duration as recorded in job_runs. A backfill (a body) answers 202 at
     * once: its run is followed until it ends.
     */
    private double runMillis(TidemarkServer server, String body) throws IOException, InterruptedException {
        String base = "http://127.0.0.1:" + server.port();
        HttpResponse<String> run = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/jobs/rollup_1m/run"))
                .header("Authorization", "Bearer " + TidemarkServer.ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofMinutes(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (run.statusCode() == 202) {
            URI started = URI.create(base + run.headers().firstValue("Location").orElseThrow());
            do {
                Thread.sleep(100);
                run = http.send(HttpRequest.newBuilder(started).GET()
                        .header("Authorization", "Bearer " + TidemarkServer.ADMIN_TOKEN)
                        .timeout(Duration.ofMinutes(1)).build(), HttpResponse.BodyHandlers.ofString());
            } while (run.statusCode() == 200 && run.body().contains("\"status\":\"running\""));
        }
        Matcher m = RUN_TIMES.matcher(run.body());
        if (run.statusCode() != 200 || !m.find() || !run.body().contains("\"status\":\"succeeded\"")) {
            throw new IOException("rollup_1m run failed: " + run.statusCode() + " " + run.body());
        }
        return Duration.between(Instant.parse(m.group(1)), Instant.parse(m.group(2))).toNanos() / 1e6;
    }

    /** Daily partitions for the history, named as the server names them. */
    private void createPartitions(Connection c) throws SQLException {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        for (int d = HISTORY_DAYS + 1; d >= 0; d--) {
            LocalDate day = today.minusDays(d);
            execute(c, String.format(Locale.ROOT, "CREATE TABLE IF NOT EXISTS readings_%s PARTITION OF readings"
                    + " FOR VALUES FROM ('%s 00:00:00+00') TO ('%s 00:00:00+00')",
                    day.toString().replace("-", ""), day, day.plusDays(1)));
        }
    }

    /** Adds {@code rows} readings spread over the history days (not the last one), on two connections. */
    private void copyHistory(long rows) throws Exception {
        long end = LocalDate.now(ZoneOffset.UTC).minusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond() * 1_000_000L;
        long span = HISTORY_DAYS * 86_400_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> parts = new ArrayList<>();
            for (int part = 0; part < 2; part++) {
                long share = rows / 2 + (part == 0 ? rows % 2 : 0);
                long seed = System.nanoTime() + part;
                parts.add(pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    try (Connection c = database.connect()) {
                        for (long done = 0; done < share; ) {
                            int batch = (int) Math.min(1_000_000, share - done);
                            copy(c, rows(batch, i -> end - span + random.nextLong(span), random));
                            done += batch;
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : parts) f.get();
        } finally {
            pool.shutdown();
        }
    }

    private static void copy(Connection c, ByteBuffer rows) throws SQLException {
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("COPY readings (series_id, ts, value) FROM STDIN (FORMAT binary)");
        copy.writeToCopy(rows.array(), 0, rows.position());
        copy.endCopy();
    }

    private interface Timestamps {
        long at(int i);
    }

    private static int[] createSeries(Connection c) throws SQLException {
        execute(c, "INSERT INTO series (sensor, metric) SELECT 'rollup-' || g, 'value' FROM generate_series(1, "
                + SERIES + ") AS g ON CONFLICT DO NOTHING");
        List<Integer> ids = new ArrayList<>();
        try (Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT id FROM series WHERE sensor LIKE 'rollup-%' ORDER BY id")) {
            while (rs.next()) ids.add(rs.getInt(1));
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private ByteBuffer rows(int n, Timestamps micros, SplittableRandom random) {
        ByteBuffer b = ByteBuffer.allocate(19 + n * 34 + 2);
        b.put(new byte[] {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0}).putInt(0).putInt(0);
        for (int i = 0; i < n; i++) {
            b.putShort((short) 3).putInt(4).putInt(series[random.nextInt(series.length)])
                    .putInt(8).putLong(micros.at(i) - PG_EPOCH_MICROS)
                    .putInt(8).putDouble(random.nextDouble() * 100);
        }
        return b.putShort((short) -1);
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
