package io.tidemark.feed;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Appends a row to the feed inside the caller's transaction. It must be the transaction's last statement before
 * COMMIT: from here to the end of the COMMIT every other writer on every node waits (that is what makes positions
 * commit order, see {@code V10__feed.sql}), so nothing slow may come between.
 */
public final class FeedAppender {
    private static final String APPEND = "SELECT feed_append(?, ?, ?)";

    private FeedAppender() {}

    /** Returns the row's position. {@code count} is at least 1. */
    public static long append(Connection c, FeedKind kind, int count, byte[] payload) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(APPEND)) {
            s.setString(1, kind.stored());
            s.setInt(2, count);
            s.setBytes(3, payload);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
