package io.tidemark.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The PostgreSQL database Tidemark owns. The password is a secret: prefer TIDEMARK_DATABASE_PASSWORD to the file.
 *
 * <p>{@code startupTimeout} is how long start-up waits for PostgreSQL to accept connections (it often starts after
 * Tidemark under a supervisor or compose file); 0 fails at once.
 */
public record DatabaseConfig(
        String url, String user, String password, Integer poolSize, Duration connectionTimeout,
        Boolean createDatabase, Duration startupTimeout) {
    public static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/tidemark";
    public static final String DEFAULT_USER = "postgres";
    public static final int DEFAULT_POOL_SIZE = 8;
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration MAX_STARTUP_TIMEOUT = Duration.ofDays(1);
    private static final String PREFIX = "jdbc:postgresql://";
    /** URL parameters whose values are secrets (password, sslpassword, ...), by a part of their name. */
    private static final Pattern SECRET_PARAMETER = Pattern.compile(".*(password|secret|token|credential).*");

    public DatabaseConfig {
        if (url == null || url.isBlank()) url = DEFAULT_URL;
        if (!url.startsWith(PREFIX)) {
            throw new InvalidConfigException("database.url must start with jdbc:postgresql://, got " + redact(url));
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
        if (startupTimeout == null) startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        if (startupTimeout.isNegative() || startupTimeout.compareTo(MAX_STARTUP_TIMEOUT) > 0) {
            throw new InvalidConfigException("database.startup_timeout must be between 0s and "
                    + Durations.format(MAX_STARTUP_TIMEOUT) + ", got " + Durations.format(startupTimeout));
        }
    }

    /** The settings before {@code startupTimeout} existed; it takes its default. */
    public DatabaseConfig(String url, String user, String password, Integer poolSize, Duration connectionTimeout,
            Boolean createDatabase) {
        this(url, user, password, poolSize, connectionTimeout, createDatabase, null);
    }

    /** The same settings with a different URL, user and password (environment overrides). */
    public DatabaseConfig withCredentials(String newUrl, String newUser, String newPassword) {
        return new DatabaseConfig(newUrl, newUser, newPassword, poolSize, connectionTimeout, createDatabase,
                startupTimeout);
    }

    public DatabaseConfig withStartupTimeout(Duration newStartupTimeout) {
        return new DatabaseConfig(url, user, password, poolSize, connectionTimeout, createDatabase,
                newStartupTimeout);
    }

    /** {@link #url()} fit for a log: without user information and with secret parameters masked. */
    public String redactedUrl() {
        return redact(url);
    }

    /** Where the database is, for messages: {@code host:port/name}, nothing else of the URL. */
    public String location() {
        String rest = url.substring(PREFIX.length());
        int query = rest.indexOf('?');
        return hostPart(query < 0 ? rest : rest.substring(0, query));
    }

    @Override
    public String toString() {
        return "DatabaseConfig[url=" + redactedUrl() + ", user=" + user
                + ", password=" + (password.isEmpty() ? "(none)" : "(set)")
                + ", poolSize=" + poolSize + ", connectionTimeout=" + Durations.format(connectionTimeout)
                + ", createDatabase=" + createDatabase + ", startupTimeout=" + Durations.format(startupTimeout) + "]";
    }

    /**
     * A JDBC URL without what may be secret: user information ({@code u:secret@host}) is dropped and the values of
     * parameters named like a password, secret, token or credential become {@code ***}.
     */
    static String redact(String url) {
        if (url == null) return null;
        int scheme = url.indexOf("://");
        String prefix = scheme < 0 ? "" : url.substring(0, scheme + 3);
        String rest = scheme < 0 ? url : url.substring(scheme + 3);
        int query = rest.indexOf('?');
        String path = hostPart(query < 0 ? rest : rest.substring(0, query));
        if (query < 0) return prefix + path;
        StringBuilder parameters = new StringBuilder();
        for (String parameter : rest.substring(query + 1).split("&", -1)) {
            int equals = parameter.indexOf('=');
            String name = equals < 0 ? parameter : parameter.substring(0, equals);
            boolean secret = SECRET_PARAMETER.matcher(name.toLowerCase(Locale.ROOT)).matches();
            parameters.append(parameters.length() == 0 ? "?" : "&")
                    .append(secret && equals >= 0 ? name + "=***" : parameter);
        }
        return prefix + path + parameters;
    }

    /** {@code host:port/name} without the user information a URL may carry before the host. */
    private static String hostPart(String authorityAndPath) {
        int slash = authorityAndPath.indexOf('/');
        String authority = slash < 0 ? authorityAndPath : authorityAndPath.substring(0, slash);
        String path = slash < 0 ? "" : authorityAndPath.substring(slash);
        int at = authority.lastIndexOf('@');
        return (at < 0 ? authority : authority.substring(at + 1)) + path;
    }
}
