package io.tidemark.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The benchmark's own database on the shared PostgreSQL: created empty for a run (Tidemark migrates it), emptied
 * before each measurement, dropped at the end. Never touches any other database, and never the server's settings.
 */
final class BenchDatabase {
    /** Settings that bear on write throughput, printed with the results so runs on different machines compare. */
    private static final String[] SETTINGS = {"shared_buffers", "wal_buffers", "max_wal_size", "synchronous_commit",
            "fsync", "full_page_writes", "wal_compression", "checkpoint_timeout", "autovacuum"};

    private final BenchSettings settings;

    BenchDatabase(BenchSettings settings) {
        this.settings = settings;
    }

    void recreate() throws SQLException {
        try (Connection c = DriverManager.getConnection(settings.adminUrl(), "postgres", null);
                Statement s = c.createStatement()) {
            // The name comes from BENCH_DATABASE, never from data; quoted as an identifier all the same.
            s.execute("DROP DATABASE IF EXISTS " + quoted() + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + quoted());
        }
    }

    void drop() throws SQLException {
        try (Connection c = DriverManager.getConnection(settings.adminUrl(), "postgres", null);
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + quoted() + " WITH (FORCE)");
        }
    }

    /**
     * Empties {@code readings} (its partitions stay), {@code idempotency_keys} and {@code feed}, and checkpoints, so
     * every measurement starts from the same state instead of paying for the previous one's dirty pages (the feed
     * would otherwise grow by 20 bytes a reading for the whole run), and a body with timestamps sent in an earlier
     * measurement is stored again rather than answered as a replay. Emptying the feed under a running server is
     * harmless between measurements: positions keep growing, and no stream client resumes across it.
     */
    void reset() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE readings, idempotency_keys, feed");
            s.execute("CHECKPOINT");
        }
    }

    /**
     * Empties {@code readings} after a measurement, so that a job run after it (the main server's jobs run on their
     * schedules) finds nothing to roll up while the next party is measured.
     */
    void emptyReadings() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE readings");
        }
    }

    /** The job's watermark, or null before Tidemark has made its state. */
    Instant watermark(String job) throws SQLException {
        try (Connection c = connect();
                var s = c.prepareStatement("SELECT watermark FROM job_state WHERE job = ?")) {
            s.setString(1, job);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getTimestamp(1).toInstant() : null;
            }
        }
    }

    /** Job runs that overlapped [from, to), and how many seconds of them fell inside it. */
    JobActivity.Overlap jobRunsOverlapping(Instant from, Instant to) throws SQLException {
        try (Connection c = connect(); var s = c.prepareStatement("""
                SELECT count(*), coalesce(sum(extract(epoch FROM
                           least(coalesce(finished_at, now()), ?) - greatest(started_at, ?))), 0)
                FROM job_runs WHERE started_at < ? AND coalesce(finished_at, now()) > ?""")) {
            Timestamp f = Timestamp.from(from);
            Timestamp t = Timestamp.from(to);
            s.setTimestamp(1, t);
            s.setTimestamp(2, f);
            s.setTimestamp(3, t);
            s.setTimestamp(4, f);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new JobActivity.Overlap(rs.getLong(1), rs.getDouble(2));
            }
        }
    }

    String name() {
        return settings.database();
    }

    long countReadings() throws SQLException {
        return queryLong("SELECT count(*) FROM readings");
    }

    /** Checkpoints forced by WAL volume (max_wal_size) so far, cluster-wide. */
    long requestedCheckpoints() throws SQLException {
        return queryLong("SELECT checkpoints_req FROM pg_stat_bgwriter");
    }

    /** The id of each series index of {@link Workload}, as Tidemark created them. */
    int[] seriesIds() throws SQLException {
        Map<String, Integer> ids = new LinkedHashMap<>();
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, sensor, metric FROM series")) {
            while (rs.next()) ids.put(rs.getString(2) + "\0" + rs.getString(3), rs.getInt(1));
        }
        int[] out = new int[Workload.SERIES];
        for (int i = 0; i < Workload.SERIES; i++) {
            Integer id = ids.get(Workload.sensor(i) + "\0" + Workload.metric(i));
            if (id == null) throw new IllegalStateException("series " + Workload.sensor(i) + "/" + Workload.metric(i)
                    + " was not created by the warm-up");
            out[i] = id;
        }
        return out;
    }

    String version() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1).split(" ")[0] + " (pgJDBC " + c.getMetaData().getDriverVersion() + ")";
        }
    }

    String relevantSettings() throws SQLException {
        StringBuilder b = new StringBuilder();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String name : SETTINGS) {
                try (ResultSet rs = s.executeQuery("SHOW " + name)) {
                    rs.next();
                    if (b.length() > 0) b.append(", ");
                    b.append(name).append('=').append(rs.getString(1));
                }
            }
        }
        return b.toString();
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(settings.databaseUrl(), "postgres", null);
    }

    private long queryLong(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private String quoted() {
        return "\"" + settings.database().replace("\"", "\"\"") + "\"";
    }
}
