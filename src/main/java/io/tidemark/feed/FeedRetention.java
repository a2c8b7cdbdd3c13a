package io.tidemark.feed;

import java.time.Duration;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes feed rows older than {@code feed.retention} and moves {@code feed_horizon} past them, in one transaction,
 * so that a reader sees either both or neither. Run by every node on the maintenance schedule; running twice at once
 * only makes the second wait and find nothing. Rows go by position (the primary key): everything below the newest
 * row committed before the cutoff, which is committed or rolled back for good (see {@code V10__feed.sql}).
 */
public final class FeedRetention {
    private static final Logger log = LoggerFactory.getLogger(FeedRetention.class);
    private static final String TRIM = """
            WITH cut AS (
                SELECT coalesce(max(position), 0) + 1 AS position FROM feed
                WHERE committed_at < clock_timestamp() - :retention * INTERVAL '1 millisecond'
            ), gone AS (
                DELETE FROM feed f USING cut WHERE f.position < cut.position RETURNING 1
            ), moved AS (
                UPDATE feed_horizon h SET position = cut.position FROM cut WHERE cut.position > h.position
            )
            SELECT count(*) FROM gone""";

    private final Jdbi jdbi;
    private final Duration retention;

    public FeedRetention(Jdbi jdbi, Duration retention) {
        this.jdbi = jdbi;
        this.retention = retention;
    }

    /** Returns how many rows were removed. */
    public long trim() {
        long removed = jdbi.withHandle(h -> h.createQuery(TRIM).bind("retention", retention.toMillis())
                .mapTo(Long.class).one());
        if (removed > 0) log.debug("Removed {} feed rows older than {}", removed, retention);
        return removed;
    }
}
