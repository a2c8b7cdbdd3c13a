package io.tidemark.storage;

import io.tidemark.config.DatabaseConfig;
import io.tidemark.config.Durations;
import io.tidemark.retry.Backoff;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits at start-up for PostgreSQL to accept connections, for at most {@code database.startup_timeout}: under a
 * supervisor or a compose file it often starts after Tidemark. Only failures that waiting can cure are waited out
 * (connection refused or lost, the server starting up, too many connections; see {@link SqlErrors}); a wrong
 * password or a missing database fails at once. Each attempt that fails says what it waits for, never the password.
 */
final class StartupWait {
    private static final Logger log = LoggerFactory.getLogger(StartupWait.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(250);
    private static final Duration MAX_RETRY = Duration.ofSeconds(5);

    private StartupWait() {}

    /**
     * Returns once {@code url} (the database itself, or the maintenance database when Tidemark is to create it)
     * accepts a connection as the configured user.
     *
     * @throws DatabaseUnavailableException naming the location and the cause, when the failure is not one to wait
     *     out or the time is up
     */
    static void until(DatabaseConfig config, String url, String location) {
        long start = System.nanoTime();
        long deadline = start + config.startupTimeout().toNanos();
        Backoff backoff = new Backoff(FIRST_RETRY, MAX_RETRY);
        for (int attempt = 1; ; attempt++) {
            try (Connection c = DriverManager.getConnection(url, properties(config, deadline))) {
                if (attempt > 1) {
                    log.info("PostgreSQL at {} accepts connections (after {} attempts, {})", location, attempt,
                            Durations.format(Duration.ofMillis((System.nanoTime() - start) / 1_000_000)));
                }
                return;
            } catch (SQLException e) {
                String cause = cause(e);
                if (!SqlErrors.isRetriable(e)) {
                    throw new DatabaseUnavailableException("cannot connect to PostgreSQL at " + location + " as user "
                            + config.user() + ": " + cause, e);
                }
                long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
                if (leftMillis <= 0) {
                    throw new DatabaseUnavailableException("PostgreSQL at " + location + " did not accept connections"
                            + " within database.startup_timeout (" + Durations.format(config.startupTimeout())
                            + ", " + attempt + (attempt == 1 ? " attempt" : " attempts") + "): " + cause, e);
                }
                log.warn("Waiting for PostgreSQL at {} ({}); retrying for {} s more (database.startup_timeout)",
                        location, cause, Math.max(1, Math.round(leftMillis / 1000.0)));
                sleep(Math.min(backoff.nextMillis(), leftMillis));
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseUnavailableException("interrupted while waiting for PostgreSQL", e);
        }
    }

    /** The user and password, and timeouts so that one attempt cannot outlast the wait. */
    private static Properties properties(DatabaseConfig config, long deadline) {
        long leftSeconds = Math.max(1, (deadline - System.nanoTime()) / 1_000_000_000);
        String timeout = Long.toString(Math.min(leftSeconds, Math.max(1, config.connectionTimeout().toSeconds())));
        Properties p = new Properties();
        p.setProperty("user", config.user());
        p.setProperty("password", config.password());
        p.setProperty("connectTimeout", timeout);
        p.setProperty("loginTimeout", timeout);
        p.setProperty("ApplicationName", "tidemark");
        return p;
    }

    /**
     * What went wrong, short: the network's answer ("connection refused", "Connection reset", "unknown host db") when
     * there is one, else the driver's first sentence without its advice ("FATAL: the database system is starting up").
     */
    private static String cause(SQLException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        if (root instanceof ConnectException) return "connection refused";
        if (root instanceof UnknownHostException) return "unknown host " + root.getMessage();
        if (root instanceof SocketTimeoutException) return "timed out";
        if (root instanceof IOException && root.getMessage() != null) return root.getMessage();
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int end = message.indexOf(". ");
        return end > 0 ? message.substring(0, end) : message;
    }
}
