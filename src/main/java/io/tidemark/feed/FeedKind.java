package io.tidemark.feed;

/** What a feed row holds; stored in {@code feed.kind} under these names. */
public enum FeedKind {
    READINGS("readings"),
    ALERTS("alerts");

    private final String stored;

    FeedKind(String stored) {
        this.stored = stored;
    }

    public String stored() {
        return stored;
    }

    static FeedKind ofStored(String stored) {
        for (FeedKind k : values()) {
            if (k.stored.equals(stored)) return k;
        }
        throw new IllegalStateException("unknown feed kind '" + stored + "'");
    }
}
