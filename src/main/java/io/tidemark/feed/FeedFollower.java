package io.tidemark.feed;

import io.tidemark.retry.Backoff;
import io.tidemark.storage.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one reader of new feed rows: reads every row after the last one it read, hands each to the
 * {@link Feed}, and when there is none waits for a notification (a writer's {@code NOTIFY tidemark_feed}) or
 * {@link #POLL}, whichever comes first. Positions are the truth, the notification only a wake-up: one lost while the
 * listening session was broken costs at most a poll interval, never a row. A lost database is retried with backoff,
 * from the same position.
 */
final class FeedFollower {
    private static final Logger log = LoggerFactory.getLogger(FeedFollower.class);
    /** Longest wait for a notification before reading anyway. */
    static final Duration POLL = Duration.ofMillis(250);
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration MAX_RETRY = Duration.ofSeconds(2);

    private final Database database;
    private final FeedTable table;
    private final Feed feed;
    private final Thread thread = new Thread(this::run, "tidemark-feed-follower");
    private volatile boolean running = true;

    FeedFollower(Database database, FeedTable table, Feed feed) {
        this.database = database;
        this.table = table;
        this.feed = feed;
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void stop() {
        running = false;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        Backoff backoff = new Backoff(FIRST_RETRY, MAX_RETRY);
        while (running) {
            try (Connection listening = database.openSession("tidemark-feed")) {
                try (Statement s = listening.createStatement()) {
                    s.execute("LISTEN tidemark_feed");
                }
                backoff = new Backoff(FIRST_RETRY, MAX_RETRY);
                follow(listening.unwrap(PGConnection.class));
                return;
            } catch (SQLException | RuntimeException e) {
                if (!running) return;
                long wait = backoff.nextMillis();
                log.warn("Feed follower lost the database ({}); retrying in {} ms", e.getMessage(), wait);
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /**
     * Reads rows until stopped; throws when the database fails, to be retried from the same position. While the node
     * has no consumer, only the newest position is read: no payload is fetched or decoded for nobody.
     */
    private void follow(PGConnection notifications) throws SQLException {
        while (running) {
            if (feed.isIdle()) {
                long newest = table.newest();
                if (newest == feed.lastRow()) {
                    notifications.getNotifications((int) POLL.toMillis());
                    continue;
                }
                if (feed.advanceIfIdle(newest)) continue;
            }
            List<FeedEntry> rows;
            try {
                rows = table.after(feed.lastRow(), FeedTable.MAX_ROWS, FeedTable.MAX_EVENTS);
            } catch (FeedTruncatedException e) {
                log.warn("Feed rows after {} were removed by retention before this node read them; its consumers"
                        + " will be told", feed.lastRow());
                feed.skipTo(e.oldest());
                continue;
            }
            for (FeedEntry row : rows) feed.publish(row);
            if (rows.isEmpty()) notifications.getNotifications((int) POLL.toMillis());
        }
    }
}
