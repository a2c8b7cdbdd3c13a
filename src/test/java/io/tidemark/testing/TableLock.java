package io.tidemark.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** An ACCESS EXCLUSIVE lock on one table, held in an open transaction until {@link #close()}. */
public final class TableLock implements AutoCloseable {
    private final Connection connection;
    private boolean released;

    private TableLock(Connection connection) {
        this.connection = connection;
    }

    static TableLock take(TestDatabase database, String table) {
        try {
            Connection c = database.connect();
            try (Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                // The table name is a constant of the test, never request data.
                s.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
                return new TableLock(c);
            } catch (SQLException e) {
                c.close();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot lock " + table + ": " + e.getMessage(), e);
        }
    }

    /** Ends the transaction, letting whoever waits for the table go on. Idempotent. */
    @Override
    public synchronized void close() {
        if (released) return;
        released = true;
        try (connection) {
            connection.rollback();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot release table lock: " + e.getMessage(), e);
        }
    }
}
