package io.tidemark.feed;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A cursor that reads the table until it reaches the rows the follower has handed out, then takes rows from memory
 * as the follower hands them on. Its memory is bounded: when more than {@code capacity} events wait for the consumer,
 * the queued rows are dropped (the follower never waits) and the cursor goes back to the table from the last row it
 * delivered. So a slow consumer costs reads of the table, never a lost row.
 *
 * <p>Joining is exact: {@link Feed#join} returns the newest row read so far while registering the cursor under the
 * feed's lock, so every later row is offered to the cursor, and the table read covers everything up to it. Rows that
 * arrive both ways are delivered once: anything at or below the last delivered row is skipped.
 */
final class TableBackedCursor implements FeedCursor {
    /** Marks the point where the consumer fell behind; never delivered. */
    private static final FeedEntry FELL_BEHIND = FeedEntry.alerts(-1, new String[0]);

    private final Feed feed;
    private final FeedTable table;
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    /** Live rows, guarded by lock. */
    private final ArrayDeque<FeedEntry> live = new ArrayDeque<>();
    private int liveEvents;
    private boolean behind;
    private boolean closed;

    // Used by the consumer's thread only.
    private final ArrayDeque<FeedEntry> fromTable = new ArrayDeque<>();
    private boolean joined;
    /** The last row delivered (or the row before the first one due). */
    private long delivered;
    /** The table must be read up to this row before live rows follow. */
    private long readTableUpTo;

    TableBackedCursor(Feed feed, FeedTable table, FeedPosition after, int capacity) {
        this.feed = feed;
        this.table = table;
        this.capacity = capacity;
        if (after == null) {
            this.delivered = feed.join(this);
            this.joined = true;
            this.readTableUpTo = delivered;
        } else {
            this.delivered = rowBefore(after);
        }
    }

    /** The last row a consumer at {@code after} has wholly had: the row itself only if it took all of it. */
    static long rowBefore(FeedPosition after) {
        return after.index() == FeedPosition.WHOLE_ROW ? after.row() : after.row() - 1;
    }

    @Override
    public FeedEntry next(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            FeedEntry fromDisk = fromTable.poll();
            if (fromDisk != null) {
                if (fromDisk.row() <= delivered) continue;
                delivered = fromDisk.row();
                return fromDisk;
            }
            if (!joined) {
                readTableUpTo = feed.join(this);
                joined = true;
            }
            if (delivered < readTableUpTo) {
                readTable();
                continue;
            }
            FeedEntry entry = takeLive(deadline);
            if (entry == null) return null;
            if (entry == FELL_BEHIND) {
                joined = false;
                feed.countCatchUp();
                continue;
            }
            if (entry.row() <= delivered) continue;
            delivered = entry.row();
            return entry;
        }
    }

    @Override
    public FeedPosition position() {
        return FeedPosition.afterRow(delivered);
    }

    private void readTable() {
        try {
            var rows = table.after(delivered, FeedTable.MAX_ROWS, FeedTable.MAX_EVENTS);
            if (rows.isEmpty()) {
                readTableUpTo = delivered; // what is left up to it were gaps (rolled back)
            } else {
                fromTable.addAll(rows);
            }
        } catch (FeedTruncatedException e) {
            delivered = e.oldest() - 1;
            throw e;
        }
    }

    private FeedEntry takeLive(long deadline) throws InterruptedException {
        lock.lock();
        try {
            while (live.isEmpty() && !behind && !closed) {
                long nanos = deadline - System.nanoTime();
                if (nanos <= 0) return null;
                ready.awaitNanos(nanos);
            }
            if (closed) return null;
            if (behind) return FELL_BEHIND;
            FeedEntry entry = live.poll();
            liveEvents -= entry.count();
            return entry;
        } finally {
            lock.unlock();
        }
    }

    /** From the follower, under the feed's lock; never waits for the consumer. */
    void offer(FeedEntry entry) {
        lock.lock();
        try {
            if (closed || behind) return;
            if (!live.isEmpty() && liveEvents + entry.count() > capacity) {
                fallBehindLocked();
                return;
            }
            live.add(entry);
            liveEvents += entry.count();
            ready.signal();
        } finally {
            lock.unlock();
        }
    }

    /** The rows in memory are no longer enough: the consumer must read the table from where it is. */
    void fallBehind() {
        lock.lock();
        try {
            fallBehindLocked();
        } finally {
            lock.unlock();
        }
    }

    private void fallBehindLocked() {
        behind = true;
        live.clear();
        liveEvents = 0;
        ready.signal();
    }

    /** From {@link Feed#join}, under the feed's lock: live rows start after the row it returns. */
    void resetLive() {
        lock.lock();
        try {
            behind = false;
            live.clear();
            liveEvents = 0;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            live.clear();
            ready.signalAll();
        } finally {
            lock.unlock();
        }
        feed.leave(this);
    }
}
