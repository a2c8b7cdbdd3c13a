package io.tidemark.feed;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tidemark.storage.Database;
import io.tidemark.storage.SeriesNames;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * This node's view of the feed: a {@link FeedFollower} thread reads every row as it commits and hands it to the open
 * cursors, each of which holds a bounded share of memory; a cursor that falls behind, or starts in the past, reads
 * the table until it has caught up (see {@link TableBackedCursor}). So every consumer gets every row, in order, and
 * none can slow the follower or ingest. Thread-safe.
 */
public final class Feed implements AutoCloseable {
    private final FeedTable table;
    private final FeedFollower follower;
    private final int cursorCapacity;
    private final Counter catchUps;
    private final Object lock = new Object();
    /** The newest row handed to the cursors; guarded by {@code lock}. */
    private long lastRow;
    private final List<TableBackedCursor> cursors = new ArrayList<>();
    private final List<Waiter> waiters = new ArrayList<>();

    private record Waiter(long row, CompletableFuture<Void> future) {}

    /**
     * @param cursorCapacity events a cursor may hold in memory; a consumer further behind reads the table instead
     */
    public Feed(Database database, SeriesNames names, int cursorCapacity, MeterRegistry registry) {
        this.table = new FeedTable(database.jdbi(), names);
        this.follower = new FeedFollower(database, table, this);
        this.cursorCapacity = cursorCapacity;
        this.catchUps = Counter.builder("tidemark.feed.catchups")
                .description("Times a feed consumer (stream client, alert rules) fell behind and read the table")
                .register(registry);
        Gauge.builder("tidemark.feed.cursors", this, f -> f.cursorCount()).description("Open feed cursors")
                .register(registry);
        Gauge.builder("tidemark.feed.position", this, f -> f.lastRow())
                .description("Newest feed row this node has read").register(registry);
    }

    /** Starts following from the newest committed row. */
    public void start() {
        synchronized (lock) {
            lastRow = table.newest();
        }
        follower.start();
    }

    /**
     * A cursor delivering every row after {@code after}, or, if it is null, every row committed from now on.
     * {@code after} may lie ahead (a position not taken yet): rows come once they exist. Close it when done.
     */
    public FeedCursor open(FeedPosition after) {
        return new TableBackedCursor(this, table, after, cursorCapacity);
    }

    /**
     * Rows after {@code after}, read from the table at once: at least one if there is one, then more up to about
     * {@code maxEvents} events; empty if none has committed yet.
     *
     * @throws FeedTruncatedException if {@code after} is older than retention keeps
     */
    public List<FeedEntry> read(FeedPosition after, int maxEvents) {
        return table.after(TableBackedCursor.rowBefore(after), FeedTable.MAX_ROWS, maxEvents);
    }

    /** Completes once this node has read a row after {@code row} (at once if it has); never fails. */
    public CompletableFuture<Void> whenAfter(long row) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        synchronized (lock) {
            if (lastRow > row) {
                future.complete(null);
            } else {
                waiters.add(new Waiter(row, future));
            }
        }
        return future;
    }

    /** The oldest row retention may still hold; positions below it are gone. */
    public long oldestRow() {
        return table.horizon();
    }

    /** The newest row this node has read. */
    public long lastRow() {
        synchronized (lock) {
            return lastRow;
        }
    }

    /** Stops the follower; open cursors stay usable for what the table holds. */
    @Override
    public void close() {
        follower.stop();
        synchronized (lock) {
            for (Waiter w : waiters) w.future.complete(null);
            waiters.clear();
        }
    }

    /** Whether no cursor is open: the follower need not read rows, only where the feed stands. */
    boolean isIdle() {
        synchronized (lock) {
            return cursors.isEmpty();
        }
    }

    /**
     * From the follower, while no cursor is open: moves on to {@code newest} without reading the rows. False (and
     * nothing changes) if a cursor has joined meanwhile: it must get the rows, so the follower reads them after all.
     * A cursor that joins later reads the rows up to here from the table (see {@link #join}).
     */
    boolean advanceIfIdle(long newest) {
        synchronized (lock) {
            if (!cursors.isEmpty()) return false;
            lastRow = Math.max(lastRow, newest);
            completeWaiters();
            return true;
        }
    }

    /** From the follower, in position order. */
    void publish(FeedEntry entry) {
        synchronized (lock) {
            lastRow = entry.row();
            for (TableBackedCursor c : cursors) c.offer(entry);
            completeWaiters();
        }
    }

    /** Under the lock: completes the waiters for rows up to {@code lastRow}. */
    private void completeWaiters() {
        if (waiters.isEmpty()) return;
        for (Iterator<Waiter> i = waiters.iterator(); i.hasNext(); ) {
            Waiter w = i.next();
            if (w.future.isDone()) {
                i.remove();
            } else if (lastRow > w.row) {
                w.future.complete(null);
                i.remove();
            }
        }
    }

    /**
     * From the follower, when rows it had not read yet were removed by retention (it was cut off from the database
     * for longer than the window): it goes on from {@code oldest}, and every cursor reads the table to find out what
     * it lost.
     */
    void skipTo(long oldest) {
        synchronized (lock) {
            lastRow = Math.max(lastRow, oldest - 1);
            for (TableBackedCursor c : cursors) c.fallBehind();
        }
    }

    /**
     * Registers {@code cursor} for live rows (if it is not yet) and returns the newest row read so far: the cursor
     * gets every row after it in memory, and must read the table up to it.
     */
    long join(TableBackedCursor cursor) {
        synchronized (lock) {
            if (!cursors.contains(cursor)) cursors.add(cursor);
            cursor.resetLive();
            return lastRow;
        }
    }

    void leave(TableBackedCursor cursor) {
        synchronized (lock) {
            cursors.remove(cursor);
        }
    }

    void countCatchUp() {
        catchUps.increment();
    }

    private int cursorCount() {
        synchronized (lock) {
            return cursors.size();
        }
    }
}
