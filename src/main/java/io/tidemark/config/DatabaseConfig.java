package io.tidemark.config;

import java.time.Duration;

/** The PostgreSQL database Tidemark owns. The password is a secret: prefer TIDEMARK_DATABASE_PASSWORD to the file. */
public record DatabaseConfig(
        String url, String user, String password, Integer poolSize, Duration connectionTimeout,
        Boolean createDatabase) {
    public static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/tidemark";
    public static final String DEFAULT_USER = "postgres";
    public static final int DEFAULT_POOL_SIZE = 8;
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(3);

    public DatabaseConfig {
        if (url == null || url.isBlank()) url = DEFAULT_URL;
        if (!url.startsWith("jdbc:postgresql://")) {
            throw new InvalidConfigException("database.url must start with jdbc:postgresql://, got " + url);
        }
        if (user == null || user.isBlank()) user = DEFAULT_USER;
        if (password == null) password = "";
        poolSize = Check.range("database.pool_size", poolSize == null ? DEFAULT_POOL_SIZE : poolSize, 2, 200);
        connectionTimeout = Check.positive("database.connection_timeout",
                connectionTimeout == null ? DEFAULT_CONNECTION_TIMEOUT : connectionTimeout);
        if (connectionTimeout.toMillis() < 250) {
            throw new InvalidConfigException("database.connection_timeout must be at least 250ms (HikariCP's minimum)");
        }
        if (createDatabase == null) createDatabase = true;
    }

    /** The same settings with a different URL, user and password (environment overrides). */
    public DatabaseConfig withCredentials(String newUrl, String newUser, String newPassword) {
        return new DatabaseConfig(newUrl, newUser, newPassword, poolSize, connectionTimeout, createDatabase);
    }

    @Override
    public String toString() {
        return "DatabaseConfig[url=" + url + ", user=" + user
                + ", password=" + (password.isEmpty() ? "(none)" : "(set)")
                + ", poolSize=" + poolSize + ", connectionTimeout=" + Durations.format(connectionTimeout)
                + ", createDatabase=" + createDatabase + "]";
    }
}
