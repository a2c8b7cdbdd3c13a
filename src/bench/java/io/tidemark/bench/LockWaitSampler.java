package io.tidemark.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples {@code pg_stat_activity} of the bench database every {@link LockWaits#INTERVAL_MILLIS} over its own JDBC
 * connection and feeds {@link LockWaits}. A sample that fails (the database is busy restarting a backend) is
 * skipped and counted; the summary's sample count says how many were taken.
 */
final class LockWaitSampler implements AutoCloseable {
    private static final String ACTIVITY = """
            SELECT pid, state, wait_event_type,
                   coalesce((extract(epoch FROM xact_start) * 1000000)::bigint, 0),
                   coalesce((extract(epoch FROM query_start) * 1000000)::bigint, 0),
                   coalesce(query, ''), (extract(epoch FROM clock_timestamp()) * 1000000)::bigint
            FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'""";

    private final Connection connection;
    private final PreparedStatement statement;
    private final LockWaits waits = new LockWaits();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-lock-sampler");
        t.setDaemon(true);
        return t;
    });
    private long failed;
    private String firstFailure;

    LockWaitSampler(BenchDatabase database) throws SQLException {
        connection = database.connect();
        statement = connection.prepareStatement(ACTIVITY);
        timer.scheduleAtFixedRate(this::sample, 0, LockWaits.INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    private synchronized void sample() {
        try (ResultSet rs = statement.executeQuery()) {
            List<LockWaits.Backend> backends = new ArrayList<>();
            long now = 0;
            while (rs.next()) {
                backends.add(new LockWaits.Backend(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                        rs.getLong(5), rs.getString(6)));
                now = rs.getLong(7);
            }
            waits.observe(now, backends);
        } catch (SQLException e) {
            failed++;
            if (firstFailure == null) firstFailure = e.toString();
        }
    }

    /** Stops sampling; the totals so far. */
    LockWaits.Summary stop() throws InterruptedException {
        timer.shutdown();
        timer.awaitTermination(5, TimeUnit.SECONDS);
        synchronized (this) {
            if (failed > 0) Benchmark.log("lock sampler: " + failed + " samples failed, first: " + firstFailure);
            return waits.summary();
        }
    }

    @Override
    public void close() throws SQLException {
        timer.shutdownNow();
        connection.close();
    }
}
