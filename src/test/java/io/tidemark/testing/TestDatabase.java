package io.tidemark.testing;

import io.tidemark.config.DatabaseConfig;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
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

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, SERVER.user, SERVER.password);
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
