package io.tidemark.storage;

import io.tidemark.time.EpochMicros;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import org.jdbi.v3.core.Handle;
import org.postgresql.PGConnection;

/**
 * The {@code latest} table (see {@code V13__latest.sql}): the newest reading of every series. A write transaction
 * {@link #add}s what it wrote and {@link #upsert}s one row per series, its newest reading; retention
 * {@link #forgetOlderThan forgets} the series whose readings are all dropped. One instance per batch; not
 * thread-safe.
 *
 * <p>The newest per series is found here, in an open-addressing table of primitives (no boxing per reading), and
 * sent as three arrays sorted by series id: rows locked in one order by every writer never deadlock.
 */
public final class LatestValues {
    /**
     * A reading older than the row's is left out, first from the statement's snapshot, so that it locks nothing (the
     * row can only have grown newer since, and retention deletes no row newer than a reading still accepted), then by
     * the conflict's {@code WHERE} on the row's newest version. At the same ts a different value replaces the row's,
     * so the later of two writers (commit order: the second waits on the row until the first commits) wins; an equal
     * one leaves the row alone. {@code ORDER BY} keeps the rows' locks in series id order whatever join the planner
     * picks.
     */
    private static final String UPSERT = """
            WITH r AS (
                SELECT id, TIMESTAMPTZ 'epoch' + us * INTERVAL '1 microsecond' AS ts, v
                FROM unnest(?::int4[], ?::int8[], ?::float8[]) AS u(id, us, v))
            INSERT INTO latest AS l (series_id, ts, value)
            SELECT id, ts, v FROM r
            WHERE NOT EXISTS (SELECT FROM latest o WHERE o.series_id = r.id AND o.ts > r.ts)
            ORDER BY id
            ON CONFLICT (series_id) DO UPDATE SET ts = excluded.ts, value = excluded.value
            WHERE l.ts < excluded.ts OR (l.ts = excluded.ts AND l.value IS DISTINCT FROM excluded.value)""";
    private static final String FORGET = "DELETE FROM latest WHERE ts < :before";
    /** Most batches hold at most this many series. */
    private static final int INITIAL_SERIES = 4096;
    /** Series ids are identities starting at 1, so 0 marks a free slot. */
    private static final int FREE = 0;

    private int[] ids;
    private long[] timestamps;
    private double[] values;
    private int size;

    /**
     * Starts with room for {@code readings} series, up to {@link #INITIAL_SERIES}, and grows as more come: a batch of
     * 100,000 readings of 1000 series need not allocate for 100,000.
     */
    public LatestValues(int readings) {
        // A power of two with at least twice as many slots as series: probes stay short.
        int capacity = Integer.highestOneBit(Math.max(8, Math.min(readings, INITIAL_SERIES)) - 1) << 2;
        ids = new int[capacity];
        timestamps = new long[capacity];
        values = new double[capacity];
    }

    /**
     * Notes {@code count} readings (timestamps in epoch microseconds). Of readings of one series at the same time the
     * one added last is kept, as it is written last.
     */
    public void add(int[] seriesIds, long[] ts, double[] vs, int count) {
        for (int i = 0; i < count; i++) {
            int id = seriesIds[i];
            if (id <= FREE) throw new IllegalArgumentException("series ids are positive, got " + id);
            int slot = slotOf(id);
            if (ids[slot] == FREE) {
                ids[slot] = id;
                timestamps[slot] = ts[i];
                values[slot] = vs[i];
                if (++size * 2 > ids.length) grow();
            } else if (ts[i] >= timestamps[slot]) {
                timestamps[slot] = ts[i];
                values[slot] = vs[i];
            }
        }
    }

    /** How many series were added. */
    public int series() {
        return size;
    }

    /**
     * Upserts the newest reading of each series added, in series id order, but for those {@code known} to be older
     * than their series' row; returns what was sent, for {@link CommittedLatest#committed} once the transaction has
     * committed, or null when nothing was (no statement at all).
     */
    public Rows upsert(Connection c, CommittedLatest known) throws SQLException {
        Rows rows = known.newer(sortedById());
        if (rows.seriesIds().length == 0) return null;
        PGConnection pg = c.unwrap(PGConnection.class); // its createArrayOf takes primitive arrays, unboxed
        try (PreparedStatement s = c.prepareStatement(UPSERT)) {
            s.setArray(1, pg.createArrayOf("int4", rows.seriesIds()));
            s.setArray(2, pg.createArrayOf("int8", rows.timestamps()));
            s.setArray(3, pg.createArrayOf("float8", rows.values()));
            s.executeUpdate();
        }
        return rows;
    }

    /** Newest readings by series, in series id order, as the upsert sends them. */
    public record Rows(int[] seriesIds, long[] timestamps, double[] values) {}

    Rows sortedById() {
        long[] order = new long[size]; // series id in the high half, its slot in the low: sorting orders by id
        int n = 0;
        for (int slot = 0; slot < ids.length; slot++) {
            if (ids[slot] != FREE) order[n++] = (long) ids[slot] << 32 | slot;
        }
        Arrays.sort(order);
        Rows rows = new Rows(new int[size], new long[size], new double[size]);
        for (int i = 0; i < size; i++) {
            int slot = (int) order[i];
            rows.seriesIds[i] = ids[slot];
            rows.timestamps[i] = timestamps[slot];
            rows.values[i] = values[slot];
        }
        return rows;
    }

    /**
     * Deletes the rows older than {@code micros} (epoch microseconds), in the transaction that dropped every
     * partition before it: those series have no reading left. After the drops, never before: dropping a partition
     * locks {@code readings} exclusively, waiting for every writer in flight, so no writer holds or waits for a row
     * of {@code latest} meanwhile (a writer locks {@code readings}, by its COPY, before {@code latest}).
     */
    static int forgetOlderThan(Handle h, long micros) {
        return h.createUpdate(FORGET).bind("before", EpochMicros.toUtc(micros)).execute();
    }

    private int slotOf(int id) {
        int mask = ids.length - 1;
        int hash = id * 0x9E3779B9; // Fibonacci hashing: runs of consecutive ids spread over the table
        int slot = (hash ^ hash >>> 16) & mask;
        while (ids[slot] != FREE && ids[slot] != id) slot = (slot + 1) & mask;
        return slot;
    }

    private void grow() {
        int[] oldIds = ids;
        long[] oldTimestamps = timestamps;
        double[] oldValues = values;
        ids = new int[oldIds.length * 2];
        timestamps = new long[ids.length];
        values = new double[ids.length];
        for (int i = 0; i < oldIds.length; i++) {
            if (oldIds[i] == FREE) continue;
            int slot = slotOf(oldIds[i]);
            ids[slot] = oldIds[i];
            timestamps[slot] = oldTimestamps[i];
            values[slot] = oldValues[i];
        }
    }
}
