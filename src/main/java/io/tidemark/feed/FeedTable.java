package io.tidemark.feed;

import io.tidemark.storage.SeriesKey;
import io.tidemark.storage.SeriesNames;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * Reads the {@code feed} table: rows after a position, in position order, decoded. Reading {@code position > p}
 * in one snapshot is a consistent prefix of the commit order (see {@code V10__feed.sql}), so a reader that goes on
 * from the last row it got never misses one. Thread-safe.
 */
final class FeedTable {
    /** Rows of one read: a row holds at most one ingest batch (ingest.batch_size readings, 20 bytes each). */
    static final int MAX_ROWS = 16;
    /** One read stops adding rows past this many events (a row is never split: it is one transaction). */
    static final int MAX_EVENTS = 200_000;

    private final Jdbi jdbi;
    private final SeriesNames names;

    FeedTable(Jdbi jdbi, SeriesNames names) {
        this.jdbi = jdbi;
        this.names = names;
    }

    /**
     * Up to {@code maxRows} rows after {@code afterRow} (fewer once {@code maxEvents} events are reached, but at
     * least one if there is one).
     *
     * @throws FeedTruncatedException if rows after {@code afterRow} were removed by retention
     */
    List<FeedEntry> after(long afterRow, int maxRows, int maxEvents) {
        // One snapshot for the horizon and the rows, so retention running in between cannot hide rows unnoticed.
        List<Stored> stored = jdbi.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, h -> {
            long horizon = horizon(h);
            if (afterRow + 1 < horizon) throw new FeedTruncatedException(FeedPosition.afterRow(afterRow), horizon);
            return h.createQuery("""
                            SELECT position, kind, count, payload FROM feed WHERE position > :after
                            ORDER BY position LIMIT :rows""")
                    .bind("after", afterRow).bind("rows", maxRows)
                    .map((rs, ctx) -> new Stored(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getBytes(4)))
                    .list();
        });
        List<FeedEntry> entries = new ArrayList<>(stored.size());
        int events = 0;
        for (Stored s : stored) {
            if (!entries.isEmpty() && events + s.count > maxEvents) break;
            entries.add(decode(s));
            events += s.count;
        }
        return entries;
    }

    /** The oldest row retention may still hold. */
    long horizon() {
        return jdbi.withHandle(FeedTable::horizon);
    }

    /** The newest committed row, 0 if none: where a follower that starts now begins. */
    long newest() {
        return jdbi.withHandle(h -> h.createQuery("SELECT coalesce(max(position), 0) FROM feed")
                .mapTo(Long.class).one());
    }

    private static long horizon(Handle h) {
        return h.createQuery("SELECT position FROM feed_horizon").mapTo(Long.class).one();
    }

    private FeedEntry decode(Stored s) {
        if (FeedKind.ofStored(s.kind) == FeedKind.ALERTS) {
            return FeedEntry.alerts(s.position, FeedCodec.alertEvents(s.payload, s.count));
        }
        FeedCodec.Readings r = FeedCodec.readings(s.payload, s.count);
        SeriesKey[] series = names.of(r.seriesIds());
        return FeedEntry.readings(s.position, r.seriesIds(), series, r.timestamps(), r.values());
    }

    private record Stored(long position, String kind, int count, byte[] payload) {}
}
