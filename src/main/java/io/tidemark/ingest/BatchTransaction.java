package io.tidemark.ingest;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import io.tidemark.storage.DirtyBuckets;
import org.postgresql.PGConnection;

/**
 * Writes one group-commit batch in one transaction: claims the batch's idempotency keys, COPYs the readings of every
 * request whose key was new (or that had none), marks the rollup buckets late readings touched, and reads back the
 * stored answers of the rest.
 *
 * <p>A request whose key is already stored, by an earlier request or by another request in this batch, writes
 * nothing; since the key and the readings commit together, a key is stored if and only if its readings are.
 *
 * <p>Plain JDBC rather than Jdbi: the COPY stream and an explicit commit whose failure can be told apart from every
 * other failure. When the connection breaks during COMMIT, the transaction may or may not have committed; the
 * transaction id taken at its start lets {@link #status} ask PostgreSQL which, so a retry never writes twice.
 */
final class BatchTransaction {
    /** What an earlier request with the same key stored. */
    record StoredKey(String requestHash, int accepted) {}

    /** Rows written, and the requests answered from a stored key instead of being written. */
    record Outcome(long written, Map<WriteRequest, StoredKey> replays) {}

    /** What PostgreSQL knows of a transaction whose COMMIT went unanswered. */
    enum Status { COMMITTED, ABORTED, IN_PROGRESS }

    private static final String CLAIM_KEYS = """
            INSERT INTO idempotency_keys (key, request_hash, accepted)
            SELECT * FROM unnest(?::text[], ?::text[], ?::int[])
            ON CONFLICT (key) DO NOTHING
            RETURNING key""";
    private static final String STORED_KEYS =
            "SELECT key, request_hash, accepted FROM idempotency_keys WHERE key = ANY(?::text[])";

    private final DataSource dataSource;

    BatchTransaction(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * @throws CommitOutcomeUnknownException if the connection failed during COMMIT
     * @throws WriteFailedException for any other failure; nothing was written
     */
    Outcome write(List<WriteRequest> batch, BinaryCopyEncoder encoder) {
        Connection c;
        try {
            c = dataSource.getConnection();
        } catch (SQLException e) {
            throw new WriteFailedException(e);
        }
        try {
            long xid;
            Outcome outcome;
            try {
                c.setAutoCommit(false);
                DirtyBuckets.Readers rollups = DirtyBuckets.lockReaders(c, DirtyBuckets.READINGS);
                xid = rollups.transactionId();
                Set<WriteRequest> duplicates = claimKeys(c, batch);
                long written = copy(c, batch, duplicates, encoder);
                markLateReadings(c, rollups, batch, duplicates);
                outcome = new Outcome(written, storedAnswers(c, duplicates));
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
            BinaryCopyEncoder encoder) throws SQLException {
        encoder.begin(c.unwrap(PGConnection.class).getCopyAPI().copyIn(BinaryCopyEncoder.COPY_SQL));
        long expected = 0;
        for (WriteRequest r : batch) {
            if (!skip.contains(r)) {
                encoder.write(r);
                expected += r.count;
            }
        }
        long written = encoder.end();
        if (written != expected) {
            throw new SQLException("COPY wrote " + written + " rows, expected " + expected);
        }
        return written;
    }

    /** Marks the rollup buckets that readings below a job's watermark touched; see {@link DirtyBuckets}. */
    private static void markLateReadings(Connection c, DirtyBuckets.Readers rollups, List<WriteRequest> batch,
            Set<WriteRequest> skip) throws SQLException {
        long min = Long.MAX_VALUE;
        for (WriteRequest r : batch) {
            if (skip.contains(r)) continue;
            for (int i = 0; i < r.count; i++) min = Math.min(min, r.timestamps[i]);
        }
        if (min == Long.MAX_VALUE) return;
        DirtyBuckets.markWritten(c, rollups, min, consumer -> {
            for (WriteRequest r : batch) {
                if (skip.contains(r)) continue;
                for (int i = 0; i < r.count; i++) consumer.accept(r.timestamps[i], r.timestamps[i] + 1);
            }
        });
    }

    /** Inserts new keys; returns the requests whose key was already taken (WriteRequest has identity equality). */
    private static Set<WriteRequest> claimKeys(Connection c, List<WriteRequest> batch) throws SQLException {
        Map<String, WriteRequest> firstByKey = new HashMap<>();
        Set<WriteRequest> duplicates = new HashSet<>();
        for (WriteRequest r : batch) {
            if (r.idempotencyKey == null) continue;
            if (firstByKey.putIfAbsent(r.idempotencyKey, r) != null) duplicates.add(r);
        }
        if (firstByKey.isEmpty()) return duplicates;
        List<WriteRequest> claimers = new ArrayList<>(firstByKey.values());
        Set<String> taken = new HashSet<>(firstByKey.keySet());
        try (PreparedStatement s = c.prepareStatement(CLAIM_KEYS)) {
            s.setArray(1, c.createArrayOf("text", claimers.stream().map(r -> r.idempotencyKey).toArray()));
            s.setArray(2, c.createArrayOf("text", claimers.stream().map(r -> r.requestHash).toArray()));
            s.setArray(3, c.createArrayOf("int4", claimers.stream().map(r -> r.count).toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) taken.remove(rs.getString(1));
            }
        }
        for (WriteRequest r : claimers) {
            if (taken.contains(r.idempotencyKey)) duplicates.add(r);
        }
        return duplicates;
    }

    private static Map<WriteRequest, StoredKey> storedAnswers(Connection c, Set<WriteRequest> duplicates)
            throws SQLException {
        Map<WriteRequest, StoredKey> answers = new IdentityHashMap<>();
        if (duplicates.isEmpty()) return answers;
        Map<String, StoredKey> stored = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(STORED_KEYS)) {
            Array keys = c.createArrayOf("text", duplicates.stream().map(r -> r.idempotencyKey).distinct().toArray());
            s.setArray(1, keys);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) stored.put(rs.getString(1), new StoredKey(rs.getString(2), rs.getInt(3)));
            }
        }
        for (WriteRequest r : duplicates) answers.put(r, stored.get(r.idempotencyKey));
        return answers;
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
