package io.tidemark.feed;

import java.time.Duration;

/**
 * A consumer's way through the feed from a position on: every row after it, in order, exactly once, without gaps,
 * whether the consumer keeps up (rows come from memory, as the node's follower reads them) or falls behind (rows
 * are read back from the table, as long as retention keeps them). Used by one thread. Close it when done.
 */
public interface FeedCursor extends AutoCloseable {
    /**
     * The next row, waiting up to {@code timeout} for one to commit; null if none did.
     *
     * @throws FeedTruncatedException if rows this cursor still had to deliver were removed by retention; the cursor
     *     then stands at the oldest row kept, so the next call goes on from there
     */
    FeedEntry next(Duration timeout) throws InterruptedException;

    /** Where the cursor stands: after the last row it delivered (or the row before its first). */
    FeedPosition position();

    /** Releases what the cursor holds at the node's follower. Idempotent. */
    @Override
    void close();
}
