package io.tidemark.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.tidemark.config.DatabaseConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tidemark's PostgreSQL database: created if missing, migrated with Flyway, reached through one HikariCP pool. */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);
    private static final Pattern URL = Pattern.compile("^(jdbc:postgresql://[^/]*/)([^?]*)(\\?.*)?$");
    /** Migrations ship in the jar (copied there from the top-level db/migrations by the build). */
    private static final String MIGRATIONS = "classpath:db/migrations";

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final DatabaseConfig config;

    private Database(HikariDataSource dataSource, DatabaseConfig config) {
        this.dataSource = dataSource;
        this.config = config;
        this.jdbi = Jdbi.create(dataSource).installPlugin(new PostgresPlugin());
    }

    /**
     * Waits for PostgreSQL to accept connections (at most {@code database.startup_timeout}), creates the database if
     * asked to, migrates it and opens the pool.
     *
     * @throws DatabaseUnavailableException naming where and why, if PostgreSQL cannot be reached in time
     */
    public static Database open(DatabaseConfig config, MeterRegistry registry) {
        Matcher url = URL.matcher(config.url());
        if (!url.matches() || url.group(2).isEmpty()) {
            throw new IllegalArgumentException("database.url must name a database, e.g. "
                    + DatabaseConfig.DEFAULT_URL + ", got " + config.redactedUrl());
        }
        // The database itself may not exist yet when Tidemark is to create it: then wait for the server's own.
        String maintenanceUrl = url.group(1) + "postgres" + (url.group(3) == null ? "" : url.group(3));
        StartupWait.until(config, config.createDatabase() ? maintenanceUrl : config.url(), config.location());
        if (config.createDatabase()) createIfMissing(config, maintenanceUrl, url.group(2));
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("tidemark");
        hikari.setJdbcUrl(config.url());
        hikari.setUsername(config.user());
        hikari.setPassword(config.password());
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setConnectionTimeout(config.connectionTimeout().toMillis());
        hikari.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        hikari.addDataSourceProperty("ApplicationName", "tidemark");
        // reWriteBatchedInserts is irrelevant (COPY does the bulk work); tcpKeepAlive spots dead servers sooner.
        hikari.addDataSourceProperty("tcpKeepAlive", "true");
        HikariDataSource pool = new HikariDataSource(hikari);
        try {
            Flyway.configure().dataSource(pool).locations(MIGRATIONS).load().migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new Database(pool, config);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /**
     * A connection of its own, outside the pool, for a session that keeps state between statements ({@code LISTEN},
     * session advisory locks): a pooled one would be handed to others with that state. The caller closes it.
     */
    public Connection openSession(String applicationName) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", config.user());
        if (config.password() != null) properties.setProperty("password", config.password());
        properties.setProperty("ApplicationName", applicationName);
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("connectTimeout", Long.toString(Math.max(1, config.connectionTimeout().toSeconds())));
        return DriverManager.getConnection(config.url(), properties);
    }

    /** True when a connection can be had and answers a trivial query within the pool's timeout. */
    public boolean isReachable() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT 1");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }

    private static void createIfMissing(DatabaseConfig config, String maintenanceUrl, String name) {
        try (Connection c = DriverManager.getConnection(maintenanceUrl, config.user(), config.password())) {
            try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                exists.setString(1, name);
                try (ResultSet rs = exists.executeQuery()) {
                    if (rs.next()) return;
                }
            }
            try (Statement create = c.createStatement()) {
                create.execute("CREATE DATABASE " + quoteIdentifier(name));
                log.info("Created database {}", name);
            } catch (SQLException e) {
                // Another instance may have created it between our check and our CREATE.
                if (!"42P04".equals(e.getSQLState())) throw e;
            }
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("cannot reach PostgreSQL at " + config.location() + " as user "
                    + config.user() + " to create database " + name + ": " + e.getMessage(), e);
        }
    }

    static String quoteIdentifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
