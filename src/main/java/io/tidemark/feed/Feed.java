package io.tidemark.feed;

import java.util.List;

/**
 * This node's view of the feed: a follower thread reads every row as it commits (woken by NOTIFY, reading by
 * position) and hands it to the open cursors; a cursor that falls behind, or starts in the past, reads the table
 * until it catches up. Thread-safe.
 */
public final class Feed implements AutoCloseable {

    /**
     * A cursor delivering every row after {@code after}, or, if it is null, every row committed from now on.
     * {@code after} may lie in the future (a position not yet taken): rows come once they exist.
     */
    public FeedCursor open(FeedPosition after) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Rows after {@code after}, read from the table at once, up to about {@code maxEvents} events (always at least
     * one row when there is one, however large); empty when there are none yet.
     *
     * @throws FeedTruncatedException if {@code after} is older than retention keeps
     */
    public List<FeedEntry> read(FeedPosition after, int maxEvents) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The oldest row retention may still hold; positions below it are gone. */
    public long oldestRow() {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public void close() {}
}
