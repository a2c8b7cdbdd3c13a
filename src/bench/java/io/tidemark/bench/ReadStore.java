package io.tidemark.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One size of the read figure: a Tidemark server (jobs on) with a database of its own, an InfluxDB and a
 * VictoriaMetrics, each loaded with the same {@link ReadHistory} readings over [from, end) and topped up to the
 * present before each round, as live sensors would. Closing stops the servers, deletes the peers' data and drops
 * the database.
 */
final class ReadStore implements AutoCloseable {
    /** What loading took, in milliseconds (NaN when not loaded), and what it takes on disk, in bytes. */
    static final class Costs {
        double tidemarkLoad = Double.NaN;
        double tidemarkSettle = Double.NaN;
        double rollupMaterialize = Double.NaN;
        double influxLoad = Double.NaN;
        double victoriaLoad = Double.NaN;
        long tidemarkBytes = -1;
        long tidemarkRollupBytes = -1;
        long influxBytes = -1;
        long victoriaBytes = -1;
    }

    final String name;
    final long from;
    final Costs costs = new Costs();
    final BenchDatabase database;
    final TidemarkServer tidemark;
    final Connection sql;
    final InfluxServer influx;
    final VictoriaMetricsServer victoria;
    private final ReadHistory history;
    private final ReadLoader loader;
    private final int[] seriesIds;
    /** The readings of every store are loaded up to here (exclusive), epoch milliseconds. */
    private long loadedUntil;

    private ReadStore(String name, long from, ReadHistory history, BenchDatabase database, TidemarkServer tidemark,
            Connection sql, InfluxServer influx, VictoriaMetricsServer victoria) throws SQLException {
        this.name = name;
        this.from = from;
        this.history = history;
        this.loader = new ReadLoader(history);
        this.database = database;
        this.tidemark = tidemark;
        this.sql = sql;
        this.influx = influx;
        this.victoria = victoria;
        this.seriesIds = createSeries(sql);
        this.loadedUntil = from;
    }

    /**
     * Starts the servers of one size on a fresh database {@code settings.database()}; the peers only when installed.
     */
    static ReadStore start(String name, long from, ReadHistory history, BenchSettings settings, Path work,
            boolean withInflux, boolean withVictoria) throws Exception {
        BenchDatabase database = new BenchDatabase(settings);
        database.recreate();
        Path config = work.resolve("tidemark-reads-" + name + ".yaml");
        Files.writeString(config, TidemarkServer.config(settings, true));
        TidemarkServer tidemark = TidemarkServer.start(settings, work, "reads-" + name, List.of(), config);
        Connection sql = database.connect();
        createPartitions(sql, from);
        return new ReadStore(name, from, history, database, tidemark, sql,
                withInflux ? InfluxServer.start(work) : null, withVictoria ? VictoriaMetricsServer.start(work) : null);
    }

    /** Loads Tidemark with [from, end) by binary COPY; VACUUM ANALYZE and CHECKPOINT after, timed apart. */
    void loadTidemark(long end) throws Exception {
        long started = System.nanoTime();
        loader.copy(database, seriesIds, from, end, 2);
        costs.tidemarkLoad = (System.nanoTime() - started) / 1e6;
        started = System.nanoTime();
        execute("VACUUM ANALYZE readings");
        execute("CHECKPOINT");
        costs.tidemarkSettle = (System.nanoTime() - started) / 1e6;
        loadedUntil = end;
    }

    void loadInflux(long end) throws Exception {
        long started = System.nanoTime();
        loader.lineProtocol(influxWrite(), from, end, 4);
        costs.influxLoad = (System.nanoTime() - started) / 1e6;
    }

    void loadVictoria(long end) throws Exception {
        long started = System.nanoTime();
        loader.lineProtocol(victoriaWrite(), from, end, 4);
        victoria.flush();
        costs.victoriaLoad = (System.nanoTime() - started) / 1e6;
    }

    /** Adds the readings from where the stores end to {@code now} to every store; returns the new end. */
    long topUp(long now) throws Exception {
        if (now <= loadedUntil) return loadedUntil;
        loader.json(URI.create("http://127.0.0.1:" + tidemark.port() + Workload.TIDEMARK_PATH),
                TidemarkServer.ADMIN_TOKEN, loadedUntil, now);
        Benchmark.awaitQueueEmpty(tidemark);
        if (influx != null) loader.lineProtocol(influxWrite(), loadedUntil, now, 1);
        if (victoria != null) {
            loader.lineProtocol(victoriaWrite(), loadedUntil, now, 1);
            victoria.flush();
        }
        loadedUntil = now;
        return now;
    }

    long loadedUntil() {
        return loadedUntil;
    }

    /** Whether this Tidemark has the table of latest values ({@code latest_v}) to answer "latest" from. */
    boolean hasLatestTable() throws SQLException {
        try (Statement s = sql.createStatement(); ResultSet rs = s.executeQuery("SELECT to_regclass('latest_v')")) {
            return rs.next() && rs.getString(1) != null;
        }
    }

    /** Measures what each store takes on disk now. */
    void measureSizes() throws Exception {
        costs.tidemarkBytes = queryLong("SELECT pg_database_size(current_database())");
        costs.tidemarkRollupBytes = queryLong("SELECT pg_total_relation_size('rollup_1m')"
                + " + pg_total_relation_size('rollup_1h') + pg_total_relation_size('rollup_1d')");
        if (influx != null) costs.influxBytes = bytesUnder(influx.dir());
        if (victoria != null) {
            victoria.flush();
            costs.victoriaBytes = bytesUnder(victoria.dir());
        }
    }

    private URI influxWrite() {
        return URI.create("http://127.0.0.1:" + influx.port() + "/write?db=" + InfluxServer.DATABASE
                + "&precision=ms");
    }

    private URI victoriaWrite() {
        return URI.create("http://127.0.0.1:" + victoria.port() + "/write?precision=ms");
    }

    private static long bytesUnder(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /** Workload's 1000 series; their ids by series index. */
    private static int[] createSeries(Connection c) throws SQLException {
        StringBuilder values = new StringBuilder();
        for (int s = 0; s < ReadHistory.SERIES; s++) {
            values.append(s == 0 ? "" : ",").append("('").append(Workload.sensor(s)).append("','")
                    .append(Workload.metric(s)).append("')");
        }
        Map<String, Integer> ids = new HashMap<>();
        try (Statement st = c.createStatement()) {
            st.execute("INSERT INTO series (sensor, metric) VALUES " + values + " ON CONFLICT DO NOTHING");
            try (ResultSet rs = st.executeQuery("SELECT id, sensor, metric FROM series")) {
                while (rs.next()) ids.put(rs.getString(2) + "/" + rs.getString(3), rs.getInt(1));
            }
        }
        int[] out = new int[ReadHistory.SERIES];
        for (int s = 0; s < out.length; s++) out[s] = ids.get(Workload.sensor(s) + "/" + Workload.metric(s));
        return out;
    }

    /** Daily partitions from {@code from} to tomorrow, named as the server names them. */
    private static void createPartitions(Connection c, long from) throws SQLException {
        LocalDate last = LocalDate.now(ZoneOffset.UTC).plusDays(1);
        for (LocalDate d = Instant.ofEpochMilli(from).atZone(ZoneOffset.UTC).toLocalDate(); !d.isAfter(last);
                d = d.plusDays(1)) {
            try (Statement s = c.createStatement()) {
                s.execute(String.format(Locale.ROOT, "CREATE TABLE IF NOT EXISTS readings_%s PARTITION OF readings"
                        + " FOR VALUES FROM ('%s 00:00:00+00') TO ('%s 00:00:00+00')",
                        d.toString().replace("-", ""), d, d.plusDays(1)));
            }
        }
    }

    void execute(String statement) throws SQLException {
        try (Statement s = sql.createStatement()) {
            s.execute(statement);
        }
    }

    long queryLong(String query) throws SQLException {
        try (Statement s = sql.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (influx != null) influx.close();
            if (victoria != null) victoria.close();
            sql.close();
            tidemark.close();
        } finally {
            database.drop();
        }
    }
}
