package io.tidemark.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Records, inside the transaction that writes data, which buckets of which incremental jobs that data touched below
 * the job's watermark, so the job recomputes them: no late reading can be missed.
 *
 * <p>The protocol (see {@code jobs.IncrementalRun}): a writer share-locks the state rows of the jobs reading its
 * source and decides lateness against those watermarks, holding the lock until it commits; a job advances its
 * watermark under an exclusive lock on its row. So either the writer commits before the advance does (and the job's
 * later computation sees the data), or it sees the advanced watermark and marks the bucket dirty. Rows are inserted
 * in (job, bucket) order so concurrent writers cannot deadlock.
 */
public final class DirtyBuckets {
    /** The source name of raw readings. */
    public static final String READINGS = "readings";

    private static final String LOCK_JOBS = """
            SELECT job, (extract(epoch FROM bucket_width) * 1000000)::bigint,
                   (extract(epoch FROM watermark) * 1000000)::bigint
            FROM job_state WHERE source = ? ORDER BY job FOR SHARE""";
    private static final String MARK = """
            INSERT INTO dirty_buckets (job, bucket)
            SELECT ?, TIMESTAMPTZ 'epoch' + b * INTERVAL '1 microsecond' FROM unnest(?::bigint[]) AS b
            ON CONFLICT DO NOTHING""";

    private DirtyBuckets() {}

    /** A job that reads a source: its bucket width and watermark, in epoch microseconds. */
    private record Reader(String job, long widthMicros, long watermarkMicros) {}

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
     * Marks dirty, for every job reading {@code source}, the buckets below its watermark that overlap the written
     * ranges. Call inside the writing transaction, after the data is written, before commit.
     *
     * @param minMicros the earliest start among the ranges (a cheap test that most batches are not late)
     * @return how many (job, bucket) pairs were marked
     */
    public static int markWritten(Connection c, String source, long minMicros, Ranges ranges) throws SQLException {
        List<Reader> readers = lockReaders(c, source);
        int marked = 0;
        for (Reader reader : readers) {
            if (minMicros >= reader.watermarkMicros) continue;
            TreeSet<Long> buckets = new TreeSet<>();
            ranges.forEach((start, end) -> {
                long last = Math.min(end, reader.watermarkMicros) - 1;
                for (long b = floor(start, reader.widthMicros); b <= last; b += reader.widthMicros) buckets.add(b);
            });
            if (buckets.isEmpty()) continue;
            try (PreparedStatement s = c.prepareStatement(MARK)) {
                s.setString(1, reader.job);
                s.setArray(2, c.createArrayOf("int8", buckets.toArray()));
                marked += s.executeUpdate();
            }
        }
        return marked;
    }

    private static List<Reader> lockReaders(Connection c, String source) throws SQLException {
        List<Reader> readers = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(LOCK_JOBS)) {
            s.setString(1, source);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) readers.add(new Reader(rs.getString(1), rs.getLong(2), rs.getLong(3)));
            }
        }
        return readers;
    }

    /** Start of the bucket of width {@code widthMicros} (aligned to the Unix epoch) holding {@code micros}. */
    public static long floor(long micros, long widthMicros) {
        return Math.floorDiv(micros, widthMicros) * widthMicros;
    }
}
