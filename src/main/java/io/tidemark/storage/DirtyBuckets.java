package io.tidemark.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Records, inside the transaction that writes data, which buckets of which incremental jobs that data touched below
 * the job's watermark, so the job recomputes them: no late reading can be missed.
 *
 * <p>The protocol (see {@code jobs.IncrementalRun}): a writer share-locks the state rows of the jobs reading its
 * source and decides lateness against those watermarks, holding the lock until it commits; a job advances its
 * watermark under an exclusive lock on its row. So either the writer commits before the advance does (and the job's
 * later computation sees the data), or it sees the advanced watermark and marks the bucket dirty, holding a lock on
 * the dirty row until it commits so that no job run consumes the row without seeing the data. Rows are locked in
 * (job, bucket) order, as job runs take them, so writers and runs cannot deadlock.
 */
public final class DirtyBuckets {
    /** The source name of raw readings. */
    public static final String READINGS = "readings";

    /**
     * Share-locks the state rows of the jobs reading a source, and takes the transaction id in the same round trip
     * (the writer needs both at the start of every batch). Always one row; job columns are null when none.
     */
    private static final String LOCK_READERS = """
            SELECT txid_current(), j.job, j.width, j.watermark
            FROM (VALUES (1)) AS one
            LEFT JOIN LATERAL (
                SELECT job, (extract(epoch FROM bucket_width) * 1000000)::bigint AS width,
                       (extract(epoch FROM watermark) * 1000000)::bigint AS watermark
                FROM job_state WHERE source = ? ORDER BY job FOR SHARE) AS j ON true""";
    /**
     * Inserts the buckets; one already dirty is locked instead ({@code DO UPDATE ... WHERE false} locks the existing
     * row without changing it). The lock matters: a job run consuming that row must wait for this transaction, or it
     * could delete the row and compute the bucket without the readings this transaction is about to commit.
     */
    private static final String MARK = """
            INSERT INTO dirty_buckets (job, bucket)
            SELECT ?, TIMESTAMPTZ 'epoch' + b * INTERVAL '1 microsecond' FROM unnest(?::bigint[]) AS b
            ON CONFLICT (job, bucket) DO UPDATE SET bucket = excluded.bucket WHERE false""";

    private DirtyBuckets() {}

    /** A job that reads a source: its bucket width and watermark, in epoch microseconds. */
    private record Reader(String job, long widthMicros, long watermarkMicros) {}

    /** The jobs reading a source, share-locked until the transaction ends, and that transaction's id. */
    public static final class Readers {
        private final long transactionId;
        private final List<Reader> jobs;

        private Readers(long transactionId, List<Reader> jobs) {
            this.transactionId = transactionId;
            this.jobs = jobs;
        }

        public long transactionId() {
            return transactionId;
        }
    }

    /** Visits the time ranges written, as half-open [start, end) in epoch microseconds. */
    @FunctionalInterface
    public interface Ranges {
        void forEach(RangeConsumer consumer);
    }

    @FunctionalInterface
    public interface RangeConsumer {
        void accept(long startMicros, long endMicros);
    }

    /**
     * Share-locks the state rows of the jobs reading {@code source} until the caller's transaction ends, and returns
     * them with the transaction's id. Call first in the writing transaction.
     */
    public static Readers lockReaders(Connection c, String source) throws SQLException {
        List<Reader> jobs = new ArrayList<>();
        long transactionId;
        try (PreparedStatement s = c.prepareStatement(LOCK_READERS)) {
            s.setString(1, source);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                transactionId = rs.getLong(1);
                do {
                    if (rs.getString(2) != null) jobs.add(new Reader(rs.getString(2), rs.getLong(3), rs.getLong(4)));
                } while (rs.next());
            }
        }
        return new Readers(transactionId, jobs);
    }

    /**
     * Marks dirty, for every job in {@code readers}, the buckets below its watermark that overlap the written
     * ranges. Call inside the writing transaction that took the lock, after the data is written, before commit.
     *
     * @param minMicros the earliest start among the ranges (a cheap test that most batches are not late)
     * @return how many (job, bucket) pairs were newly marked
     */
    public static int markWritten(Connection c, Readers readers, long minMicros, Ranges ranges) throws SQLException {
        int marked = 0;
        for (Reader reader : readers.jobs) {
            if (minMicros >= reader.watermarkMicros) continue;
            long[] buckets = lateBuckets(reader, ranges);
            if (buckets.length == 0) continue;
            try (PreparedStatement s = c.prepareStatement(MARK)) {
                s.setString(1, reader.job);
                s.setArray(2, c.createArrayOf("int8", Arrays.stream(buckets).boxed().toArray()));
                marked += s.executeUpdate();
            }
        }
        return marked;
    }

    /** The distinct bucket starts below the reader's watermark that the ranges touch, ascending. */
    private static long[] lateBuckets(Reader reader, Ranges ranges) {
        long[][] found = {new long[64]};
        int[] n = {0};
        ranges.forEach((start, end) -> {
            long last = Math.min(end, reader.watermarkMicros) - 1;
            for (long b = floor(start, reader.widthMicros); b <= last; b += reader.widthMicros) {
                if (n[0] > 0 && found[0][n[0] - 1] == b) continue; // readings of one bucket often come together
                if (n[0] == found[0].length) found[0] = Arrays.copyOf(found[0], n[0] * 2);
                found[0][n[0]++] = b;
            }
        });
        long[] buckets = Arrays.copyOf(found[0], n[0]);
        Arrays.sort(buckets); // sorted inserts: concurrent writers cannot deadlock on dirty_buckets
        int distinct = 0;
        for (int i = 0; i < buckets.length; i++) {
            if (i == 0 || buckets[i] != buckets[i - 1]) buckets[distinct++] = buckets[i];
        }
        return Arrays.copyOf(buckets, distinct);
    }

    /** Start of the bucket of width {@code widthMicros} (aligned to the Unix epoch) holding {@code micros}. */
    public static long floor(long micros, long widthMicros) {
        return Math.floorDiv(micros, widthMicros) * widthMicros;
    }
}
