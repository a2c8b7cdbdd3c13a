package io.tidemark.storage;

import java.sql.SQLException;
import java.sql.SQLTransientException;

/**
 * Tells retriable database failures (lost connection, serialization failure, deadlock, server shutting down) from
 * fatal ones, as Kafka Connect JDBC does: the first are retried with backoff, the second reported.
 */
public final class SqlErrors {
    private SqlErrors() {}

    public static boolean isRetriable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException) return true;
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") // connection exception
                        || state.startsWith("57P") // admin shutdown, crash shutdown, cannot connect now
                        || state.equals("40001") // serialization failure
                        || state.equals("40P01") // deadlock detected
                        || state.equals("53300")) { // too many connections
                    return true;
                }
            }
            if (t.getCause() == t) break;
        }
        return false;
    }

    /**
     * The resource PostgreSQL ran out of (disk space 53100, memory 53200, resources in general 53000), or null when
     * the failure is something else. Neither retriable at once nor fatal: the write is refused and tried again later.
     */
    public static ResourceShortage resourceShortage(Throwable error) {
        String state = sqlState(error);
        return state == null ? null : ResourceShortage.of(state);
    }

    /**
     * A statement gave up on a timeout set for it ({@code lock_timeout}: 55P03, {@code statement_timeout}: 57014):
     * whoever set the timeout decides whether there is time to try again.
     */
    public static boolean isTimeout(Throwable error) {
        String state = sqlState(error);
        return "55P03".equals(state) || "57014".equals(state);
    }

    /** The first SQLSTATE in the cause chain, or null. */
    public static String sqlState(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) return sql.getSQLState();
            if (t.getCause() == t) break;
        }
        return null;
    }
}
