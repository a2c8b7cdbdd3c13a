package io.tidemark.feed;

/** A consumer's position is older than the oldest row retention has kept: the rows in between are gone. */
public final class FeedTruncatedException extends RuntimeException {
    private final FeedPosition requested;
    private final long oldest;

    public FeedTruncatedException(FeedPosition requested, long oldest) {
        super("feed position " + requested + " is older than the feed keeps (feed.retention); it now starts after "
                + (oldest - 1) + ": events up to there are lost for this cursor");
        this.requested = requested;
        this.oldest = oldest;
    }

    public FeedPosition requested() {
        return requested;
    }

    /** The oldest row the feed may still hold: the cursor {@code afterRow(oldest - 1)} reads on from there. */
    public long oldest() {
        return oldest;
    }
}
