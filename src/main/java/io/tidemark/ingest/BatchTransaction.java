package io.tidemark.ingest;

import io.tidemark.feed.FeedAppender;
import io.tidemark.feed.FeedCodec;
import io.tidemark.feed.FeedKind;
import io.tidemark.storage.CommittedLatest;
import io.tidemark.storage.LatestValues;
import io.tidemark.storage.ReadingsCopyEncoder;
import io.tidemark.storage.WriteLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * Writes one group-commit batch in one transaction: claims the batch's idempotency keys, COPYs the readings of every
 * request whose key was new (or that had none), appends what it wrote to the {@link WriteLog}, from which the
 * rollup jobs learn of late readings, keeps the newest reading of each series in {@code latest}, and, last, appends
 * to the feed, from which every node's stream and alerts learn of them in commit order. Nothing here reads or locks
 * a job's state: a job never makes a writer wait.
 *
 * <p>A request whose key is already stored, by an earlier request or by another request in this batch, writes
 * nothing; since the key and the readings commit together, a key is stored if and only if its readings are.
 *
 * <p>Plain JDBC rather than Jdbi: the COPY stream and an explicit commit whose failure can be told apart from every
 * other failure. When the connection breaks during COMMIT, the transaction may or may not have committed; the
 * transaction id taken at its start lets {@link #status} ask PostgreSQL which, so a retry never writes twice.
 */
final class BatchTransaction {
    /** Rows written, and the requests answered from a stored key instead of being written. */
    record Outcome(long written, Map<WriteRequest, IdempotencyKeys.StoredKey> replays) {}

    /** What PostgreSQL knows of a transaction whose COMMIT went unanswered. */
    enum Status { COMMITTED, ABORTED, IN_PROGRESS }

    private final DataSource dataSource;
    private final IdempotencyKeys keys;
    private final WrittenAlongside alongside;
    private final CommittedLatest latest;

    /** @param latest what this node's committed batches have written to {@code latest} (see there) */
    BatchTransaction(DataSource dataSource, IdempotencyKeys keys, WrittenAlongside alongside,
            CommittedLatest latest) {
        this.dataSource = dataSource;
        this.keys = keys;
        this.alongside = alongside;
        this.latest = latest;
    }

    /**
     * @param budget how long the transaction may wait, for a lock or in a statement, before PostgreSQL gives up
     *     (55P03 or 57014, see {@link io.tidemark.storage.SqlErrors#isTimeout}); nothing is written then
     * @throws CommitOutcomeUnknownException if the connection failed during COMMIT
     * @throws WriteFailedException for any other failure; nothing was written
     */
    Outcome write(List<WriteRequest> batch, ReadingsCopyEncoder encoder, Duration budget) {
        Connection c;
        try {
            c = dataSource.getConnection();
        } catch (SQLException e) {
            throw new WriteFailedException(e);
        }
        try {
            long xid;
            Outcome outcome;
            LatestValues.Rows latestSent = null;
            try {
                c.setAutoCommit(false);
                xid = logWritten(c, batch, budget);
                Map<WriteRequest, IdempotencyKeys.StoredKey> replays = keys.claim(c, batch);
                long written = copy(c, batch, replays.keySet(), encoder);
                if (alongside.latest() && written > 0) {
                    latestSent = keepLatest(c, batch, replays.keySet(), (int) written);
                }
                if (alongside.feed() && written > 0) appendToFeed(c, batch, replays.keySet(), (int) written);
                outcome = new Outcome(written, replays);
            } catch (SQLException e) {
                rollbackQuietly(c);
                throw new WriteFailedException(e);
            } catch (RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
            try {
                c.commit();
            } catch (SQLException e) {
                throw new CommitOutcomeUnknownException(xid, outcome, e);
            }
            if (latestSent != null) latest.committed(latestSent); // not when unknown: knowing less is safe
            return outcome;
        } finally {
            closeQuietly(c); // after a successful COMMIT, nothing may turn the outcome into a failure
        }
    }

    /** Asks PostgreSQL whether the transaction {@code xid} committed. */
    Status status(long xid) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT txid_status(?)")) {
            s.setLong(1, xid);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                String status = rs.getString(1);
                if ("committed".equals(status)) return Status.COMMITTED;
                if ("in progress".equals(status)) return Status.IN_PROGRESS;
                return Status.ABORTED; // aborted, or null: too old to know, which cannot happen seconds later
            }
        } catch (SQLException e) {
            throw new WriteFailedException(e);
        }
    }

    private static long copy(Connection c, List<WriteRequest> batch, Set<WriteRequest> skip,
            ReadingsCopyEncoder encoder) throws SQLException {
        encoder.begin(c.unwrap(PGConnection.class).getCopyAPI().copyIn(ReadingsCopyEncoder.COPY_SQL));
        long expected = 0;
        for (WriteRequest r : batch) {
            if (!skip.contains(r)) {
                encoder.write(r.seriesIds, r.timestamps, r.values, r.count);
                expected += r.count;
            }
        }
        long written = encoder.end();
        if (written != expected) {
            throw new SQLException("COPY wrote " + written + " rows, expected " + expected);
        }
        return written;
    }

    /**
     * The newest reading of each series written, into {@code latest}: just before the feed row, so that the rows it
     * locks (in series id order, see {@link LatestValues}) are held only through the feed's lock and the COMMIT,
     * and not inside the feed's commit-order lock, which every writer of every node waits for.
     */
    private LatestValues.Rows keepLatest(Connection c, List<WriteRequest> batch, Set<WriteRequest> skip,
            int written) throws SQLException {
        LatestValues newest = new LatestValues(written);
        for (WriteRequest r : batch) {
            if (!skip.contains(r)) newest.add(r.seriesIds, r.timestamps, r.values, r.count);
        }
        return newest.upsert(c, latest);
    }

    /**
     * The feed row of what the COPY wrote, in the same order. Last before COMMIT: from here until the commit is done,
     * every writer of every node waits for this one (see {@link FeedAppender}).
     */
    private static void appendToFeed(Connection c, List<WriteRequest> batch, Set<WriteRequest> skip, int written)
            throws SQLException {
        FeedCodec.ReadingsWriter payload = new FeedCodec.ReadingsWriter(written);
        for (WriteRequest r : batch) {
            if (!skip.contains(r)) payload.add(r.seriesIds, r.timestamps, r.values, r.count);
        }
        FeedAppender.append(c, FeedKind.READINGS, written, payload.bytes());
    }

    /**
     * Appends the batch's time ranges to the write log, first, and bounds the transaction's waits by {@code budget};
     * returns the transaction's id. Requests answered from a stored key are logged too: that only makes a job look
     * at a bucket again, and logging first keeps it to one round trip.
     */
    private static long logWritten(Connection c, List<WriteRequest> batch, Duration budget) throws SQLException {
        return WriteLog.appendFirst(c, WriteLog.READINGS, consumer -> {
            for (WriteRequest r : batch) {
                if (Math.floorDiv(r.minTimestamp, WriteLog.GRANULE_MICROS)
                        == Math.floorDiv(r.maxTimestamp, WriteLog.GRANULE_MICROS)) {
                    consumer.accept(r.minTimestamp); // the common case: one request, one minute
                } else {
                    for (int i = 0; i < r.count; i++) consumer.accept(r.timestamps[i]);
                }
            }
        }, budget);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // a broken connection is evicted by the pool
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; PostgreSQL aborts the transaction on its side
        }
    }

    /** Writing failed before COMMIT; nothing was written. The cause's SQLSTATE decides whether to retry. */
    static final class WriteFailedException extends RuntimeException {
        WriteFailedException(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** The connection failed during COMMIT: the batch may or may not be committed; ask {@link #status}. */
    static final class CommitOutcomeUnknownException extends RuntimeException {
        final long transactionId;
        final transient Outcome outcome;

        CommitOutcomeUnknownException(long transactionId, Outcome outcome, SQLException cause) {
            super("COMMIT of transaction " + transactionId + " went unanswered: " + cause.getMessage(), cause);
            this.transactionId = transactionId;
            this.outcome = outcome;
        }
    }
}
