package io.tidemark.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongConsumer;

/**
 * The append-only log of what each transaction wrote to a job's source ({@code write_log}, see
 * {@code V5__write_log.sql}): one row per transaction, the time ranges it wrote rounded out to whole minutes. It is
 * all that writers record for the jobs. Appending reads and locks nothing, so a writer never waits on a job; each
 * incremental job absorbs the log of its source with a snapshot as its cursor, which is how no late write is missed.
 */
public final class WriteLog {
    /** The source name of raw readings. */
    public static final String READINGS = "readings";
    /**
     * Entries are rounded out to whole minutes: as fine as the finest bucket Tidemark ships, so a late reading makes
     * exactly its own minute stale, and small (a batch of on-time readings is one range).
     */
    public static final long GRANULE_MICROS = 60_000_000L;

    private static final String APPEND = """
            INSERT INTO write_log (source, touched)
            SELECT ?, range_agg(tstzrange(TIMESTAMPTZ 'epoch' + lo * INTERVAL '1 microsecond',
                                          TIMESTAMPTZ 'epoch' + hi * INTERVAL '1 microsecond'))
            FROM unnest(?::bigint[], ?::bigint[]) AS r(lo, hi)
            RETURNING txid_current()""";
    /** The append, and the bounds on every wait of the rest of the transaction, in one round trip. */
    private static final String APPEND_BOUNDED = APPEND
            + ", set_config('lock_timeout', ?, true), set_config('statement_timeout', ?, true)";

    private WriteLog() {}

    /** Visits written timestamps, in epoch microseconds. */
    @FunctionalInterface
    public interface Timestamps {
        void forEach(LongConsumer consumer);
    }

    /**
     * Appends the entry for the timestamps a transaction writes to {@code source} (at least one), as its first
     * statement, and returns the transaction's id. In the same round trip it bounds how long the rest of the
     * transaction may wait, for a lock or in a statement, by {@code waitBudget} ({@code lock_timeout},
     * {@code statement_timeout}: it then fails with 55P03 or 57014, see {@link SqlErrors#isTimeout}).
     */
    public static long appendFirst(Connection c, String source, Timestamps written, Duration waitBudget)
            throws SQLException {
        long[][] ranges = ranges(written);
        String millis = Math.max(1, waitBudget.toMillis()) + "ms";
        try (PreparedStatement s = c.prepareStatement(APPEND_BOUNDED)) {
            bind(c, s, source, ranges[0], ranges[1]);
            s.setString(4, millis);
            s.setString(5, millis);
            return transactionId(s);
        }
    }

    /**
     * Appends the entry for half-open ranges {@code [starts[i], ends[i])} in epoch microseconds, which a job wrote to
     * its target; returns the transaction's id. At least one range.
     */
    public static long appendRanges(Connection c, String source, long[] starts, long[] ends) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(APPEND)) {
            bind(c, s, source, starts, ends);
            return transactionId(s);
        }
    }

    private static void bind(Connection c, PreparedStatement s, String source, long[] starts, long[] ends)
            throws SQLException {
        s.setString(1, source);
        s.setArray(2, c.createArrayOf("int8", Arrays.stream(starts).boxed().toArray()));
        s.setArray(3, c.createArrayOf("int8", Arrays.stream(ends).boxed().toArray()));
    }

    private static long transactionId(PreparedStatement s) throws SQLException {
        try (ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The whole minutes the timestamps fall in, merged into ranges: {starts, ends}, ascending, disjoint. */
    static long[][] ranges(Timestamps written) {
        long[][] found = {new long[16]};
        int[] n = {0};
        written.forEach(ts -> {
            long minute = Math.floorDiv(ts, GRANULE_MICROS) * GRANULE_MICROS;
            if (n[0] > 0 && found[0][n[0] - 1] == minute) return; // readings of one minute mostly come together
            if (n[0] == found[0].length) found[0] = Arrays.copyOf(found[0], n[0] * 2);
            found[0][n[0]++] = minute;
        });
        long[] minutes = Arrays.copyOf(found[0], n[0]);
        Arrays.sort(minutes);
        long[] starts = new long[minutes.length];
        long[] ends = new long[minutes.length];
        int ranges = 0;
        for (long minute : minutes) {
            if (ranges > 0 && minute <= ends[ranges - 1]) {
                ends[ranges - 1] = Math.max(ends[ranges - 1], minute + GRANULE_MICROS);
            } else {
                starts[ranges] = minute;
                ends[ranges] = minute + GRANULE_MICROS;
                ranges++;
            }
        }
        return new long[][] {Arrays.copyOf(starts, ranges), Arrays.copyOf(ends, ranges)};
    }
}
