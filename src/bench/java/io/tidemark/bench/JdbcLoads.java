package io.tidemark.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The two loads that talk to PostgreSQL directly: the ceiling (binary COPY of pre-encoded rows, so the client does
 * next to nothing and the figure is what PostgreSQL itself can take) and the naive client (one INSERT and commit
 * per reading). Each connection has its own thread; all start together and stop after the same time.
 */
final class JdbcLoads {
    /** Rows written and the time the writers ran. */
    record Result(long rows, long nanos) {
        double rowsPerSecond() {
            return rows / (nanos / 1e9);
        }
    }

    /** Rows per COPY transaction (BENCH_COPY_ROWS): large enough that COMMIT costs nothing next to the COPY. */
    static final int COPY_ROWS_PER_TRANSACTION =
            Integer.parseInt(System.getenv().getOrDefault("BENCH_COPY_ROWS", "100000"));
    private static final int COPY_WRITE_BYTES = 64 * 1024;
    private static final String COPY_SQL = "COPY readings (series_id, ts, value) FROM STDIN (FORMAT binary)";
    private static final String INSERT_SQL = "INSERT INTO readings (series_id, ts, value) VALUES (?, ?, ?)";

    private final String url;

    JdbcLoads(String url) {
        this.url = url;
    }

    /** Binary COPY of {@code rows} (pre-encoded by {@link Workload#copyRows}) over {@code connections} connections. */
    Result copy(byte[] rows, int connections, int seconds) throws Exception {
        int rowCount = rows.length / Workload.COPY_ROW_BYTES;
        return run(connections, seconds, (c, index, deadline) -> {
            CopyAPIWriter writer = new CopyAPIWriter(c);
            long written = 0;
            // Each connection starts at its own place in the pool, so they do not write the same rows in step.
            int row = (int) ((long) rowCount * index / connections);
            while (System.nanoTime() < deadline) {
                int count = Math.min(COPY_ROWS_PER_TRANSACTION, rowCount - row);
                written += writer.copy(rows, row * Workload.COPY_ROW_BYTES, count * Workload.COPY_ROW_BYTES);
                c.commit();
                row = (row + count) % rowCount;
            }
            return written;
        });
    }

    /** One INSERT and commit (autocommit) per reading, as a straightforward client would write it. */
    Result naive(Workload workload, int[] seriesIds, int connections, int seconds) throws Exception {
        int pool = Math.min(workload.readings(), 100_000);
        OffsetDateTime[] ts = new OffsetDateTime[pool];
        for (int r = 0; r < pool; r++) ts[r] = Instant.ofEpochMilli(workload.millis[r]).atOffset(ZoneOffset.UTC);
        return run(connections, seconds, (c, index, deadline) -> {
            c.setAutoCommit(true);
            long written = 0;
            int r = pool * index / connections;
            try (PreparedStatement insert = c.prepareStatement(INSERT_SQL)) {
                while (System.nanoTime() < deadline) {
                    insert.setInt(1, seriesIds[r % Workload.SERIES]);
                    insert.setObject(2, ts[r]);
                    insert.setDouble(3, workload.values[r]);
                    insert.executeUpdate();
                    written++;
                    r = (r + 1) % pool;
                }
            }
            return written;
        });
    }

    private interface Writer {
        long write(Connection c, int index, long deadlineNanos) throws SQLException;
    }

    private Result run(int connections, int seconds, Writer writer) throws Exception {
        List<Connection> open = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                Connection c = DriverManager.getConnection(url, "postgres", null);
                c.setAutoCommit(false);
                open.add(c);
            }
            AtomicLong rows = new AtomicLong();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            CountDownLatch done = new CountDownLatch(connections);
            long start = System.nanoTime();
            long deadline = start + seconds * 1_000_000_000L;
            for (int i = 0; i < connections; i++) {
                Connection c = open.get(i);
                int index = i;
                Thread t = new Thread(() -> {
                    try {
                        rows.addAndGet(writer.write(c, index, deadline));
                    } catch (Throwable e) {
                        failures.add(e);
                    } finally {
                        done.countDown();
                    }
                }, "bench-jdbc-" + i);
                t.start();
            }
            done.await();
            long nanos = System.nanoTime() - start;
            if (!failures.isEmpty()) throw new IllegalStateException("a writer failed", failures.get(0));
            return new Result(rows.get(), nanos);
        } finally {
            for (Connection c : open) c.close();
        }
    }

    /** Streams a slice of pre-encoded rows as one binary COPY, in {@link #COPY_WRITE_BYTES} writes. */
    private static final class CopyAPIWriter {
        private final Connection connection;

        CopyAPIWriter(Connection connection) {
            this.connection = connection;
        }

        long copy(byte[] rows, int offset, int length) throws SQLException {
            CopyIn in = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY_SQL);
            try {
                in.writeToCopy(Workload.COPY_HEADER, 0, Workload.COPY_HEADER.length);
                for (int p = offset; p < offset + length; p += COPY_WRITE_BYTES) {
                    in.writeToCopy(rows, p, Math.min(COPY_WRITE_BYTES, offset + length - p));
                }
                in.writeToCopy(Workload.COPY_TRAILER, 0, Workload.COPY_TRAILER.length);
                return in.endCopy();
            } finally {
                if (in.isActive()) in.cancelCopy();
            }
        }
    }
}
