package io.tidemark.storage;

import java.util.Arrays;

/**
 * What this node knows of the {@code latest} table: for each series it wrote, a time that series' row has reached in
 * a committed transaction. A row only ever moves forward (retention deletes none newer than a reading still
 * accepted), so a reading older than that can never be its series' latest: the write transaction leaves it out
 * without asking PostgreSQL, and a batch of late readings or a backlog costs no statement at all. Other nodes' writes
 * only move the truth further forward than this node knows, which never makes it leave out a reading it should send.
 *
 * <p>Indexed by series id (dense identities from 1), up to {@code capacity}: the readings of series with greater ids
 * are simply always sent. Thread-safe: the writer threads share one.
 */
public final class CommittedLatest {
    private static final long UNKNOWN = Long.MIN_VALUE;

    private final int capacity;
    /** By series id: epoch microseconds its row has reached, or {@link #UNKNOWN}. */
    private long[] reached = new long[1024];

    public CommittedLatest(int capacity) {
        this.capacity = capacity;
        Arrays.fill(reached, UNKNOWN);
    }

    /** {@code rows} without the readings known to be older than their series' row. */
    synchronized LatestValues.Rows newer(LatestValues.Rows rows) {
        int kept = 0;
        int n = rows.seriesIds().length;
        int[] ids = new int[n];
        long[] timestamps = new long[n];
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            int id = rows.seriesIds()[i];
            if (id < reached.length && rows.timestamps()[i] < reached[id]) continue;
            ids[kept] = id;
            timestamps[kept] = rows.timestamps()[i];
            values[kept++] = rows.values()[i];
        }
        if (kept == n) return rows;
        return new LatestValues.Rows(Arrays.copyOf(ids, kept), Arrays.copyOf(timestamps, kept),
                Arrays.copyOf(values, kept));
    }

    /** {@code rows} were upserted by a transaction that committed: each series' row is now at least that new. */
    public synchronized void committed(LatestValues.Rows rows) {
        for (int i = 0; i < rows.seriesIds().length; i++) {
            int id = rows.seriesIds()[i];
            if (id > capacity) continue;
            if (id >= reached.length) grow(id);
            reached[id] = Math.max(reached[id], rows.timestamps()[i]);
        }
    }

    private void grow(int id) {
        int old = reached.length;
        reached = Arrays.copyOf(reached, (int) Math.min((long) capacity + 1, Math.max(2L * old, id + 1L)));
        Arrays.fill(reached, old, reached.length, UNKNOWN);
    }
}
