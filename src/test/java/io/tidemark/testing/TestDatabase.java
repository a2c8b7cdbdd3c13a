package io.tidemark.testing;

import io.tidemark.config.DatabaseConfig;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A fresh, empty database for one test class, on a real PostgreSQL: the server at TIDEMARK_TEST_DATABASE_URL if
 * set, else 127.0.0.1:5432 if it answers (trust auth, user postgres), else a Testcontainers PostgreSQL started
 * once per JVM. Dropped again on {@link #close()}.
 */
public final class TestDatabase implements AutoCloseable {
    private static final Server SERVER = Server.find();

    private final String name;
    private final String url;

    private TestDatabase(String name) {
        this.name = name;
        this.url = SERVER.urlPrefix + name;
    }

    public static TestDatabase create() {
        String name = "tidemark_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        SERVER.execute("CREATE DATABASE " + name);
        return new TestDatabase(name);
    }

    public String url() {
        return url;
    }

    public DatabaseConfig config() {
        return new DatabaseConfig(url, SERVER.user, SERVER.password, 8, null, false);
    }

    /** Where the PostgreSQL server of every test database listens; a {@link TcpProxy} can stand in front of it. */
    public static InetSocketAddress serverAddress() {
        URI uri = URI.create(SERVER.urlPrefix.substring("jdbc:".length()));
        return new InetSocketAddress(uri.getHost(), uri.getPort() == -1 ? 5432 : uri.getPort());
    }

    /** {@link #config()}, but reaching this database at {@code address} (e.g. through a proxy) instead of directly. */
    public DatabaseConfig configVia(InetSocketAddress address) {
        String viaUrl = "jdbc:postgresql://" + address.getHostString() + ":" + address.getPort() + "/" + name;
        return config().withCredentials(viaUrl, SERVER.user, SERVER.password);
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, SERVER.user, SERVER.password);
    }

    /** Runs a query returning one number (count, sum, ...), directly, never through a proxy. */
    public long queryLong(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Runs a statement that returns nothing (DDL, updates). */
    public void execute(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Runs a query and returns the first column of every row as text. */
    public List<String> queryStrings(String sql) {
        return queryRows(sql).stream().map(row -> row.get(0)).toList();
    }

    /** Runs a query and returns every row as text, column by column. */
    public List<List<String>> queryRows(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<List<String>> rows = new ArrayList<>();
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>(columns);
                for (int i = 1; i <= columns; i++) row.add(rs.getString(i));
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** What {@code readings_v} holds for sensors starting with {@code sensorPrefix}, as a user would query it. */
    public List<Reading> readings(String sensorPrefix) {
        String sql = """
                SELECT sensor, metric, ts, value FROM readings_v WHERE starts_with(sensor, ?) ORDER BY sensor, ts""";
        try (Connection c = connect(); var s = c.prepareStatement(sql)) {
            s.setString(1, sensorPrefix);
            try (ResultSet rs = s.executeQuery()) {
                List<Reading> readings = new ArrayList<>();
                while (rs.next()) {
                    readings.add(new Reading(rs.getString(1), rs.getString(2),
                            rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getDouble(4)));
                }
                return readings;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /**
     * Takes {@code LOCK TABLE table IN ACCESS EXCLUSIVE MODE} on a connection of its own and holds it until the
     * returned lock is closed: the server's writers block on their next COPY, as behind a long migration.
     */
    public TableLock lockTable(String table) {
        return TableLock.take(this, table);
    }

    /** Runs a statement on the PostgreSQL server outside any test database (cluster-wide DDL: tablespaces). */
    public static void executeOnServer(String sql) {
        SERVER.execute(sql);
    }

    @Override
    public void close() {
        SERVER.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private record Server(String urlPrefix, String user, String password) {
        static Server find() {
            String explicit = System.getenv("TIDEMARK_TEST_DATABASE_URL");
            if (explicit != null && !explicit.isBlank()) {
                String prefix = explicit.substring(0, explicit.lastIndexOf('/') + 1);
                return new Server(prefix, System.getenv().getOrDefault("TIDEMARK_TEST_DATABASE_USER", "postgres"),
                        System.getenv().getOrDefault("TIDEMARK_TEST_DATABASE_PASSWORD", ""));
            }
            if (reachable("127.0.0.1", 5432)) return new Server("jdbc:postgresql://127.0.0.1:5432/", "postgres", "");
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:16-alpine");
            container.start();
            String jdbc = container.getJdbcUrl();
            String prefix = jdbc.substring(0, jdbc.lastIndexOf('/') + 1);
            return new Server(prefix, container.getUsername(), container.getPassword());
        }

        void execute(String sql) {
            try (Connection c = DriverManager.getConnection(urlPrefix + "postgres", user, password);
                    Statement s = c.createStatement()) {
                s.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException(sql + ": " + e.getMessage(), e);
            }
        }

        private static boolean reachable(String host, int port) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 500);
                return true;
            } catch (java.io.IOException e) {
                return false;
            }
        }
    }
}
