package io.tidemark.testing;

import io.tidemark.App;
import io.tidemark.config.AdminConfig;
import io.tidemark.config.HttpConfig;
import io.tidemark.config.JobsConfig;
import io.tidemark.config.TidemarkConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** The real Tidemark server on a free port over a fresh {@link TestDatabase}, with a plain HTTP client. */
public final class TestServer implements AutoCloseable {
    /** A shared admin token, so tests can call /admin/* without reading a generated one. */
    public static final String ADMIN_TOKEN = "test-admin-token-0123456789";

    private final TestDatabase database;
    private final boolean ownsDatabase;
    private final App app;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestServer(TestDatabase database, boolean ownsDatabase, App app) {
        this.database = database;
        this.ownsDatabase = ownsDatabase;
        this.app = app;
    }

    public static TestServer start() {
        return start(UnaryOperator.identity());
    }

    /** Starts with the defaults, adjusted by {@code customize} (the database and port are set for the test). */
    public static TestServer start(UnaryOperator<TidemarkConfig> customize) {
        TestDatabase database = TestDatabase.create();
        try {
            return new TestServer(database, true, App.start(config(database, customize), Clock.systemUTC()));
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** Starts another server instance on an existing database (which it leaves in place when closed). */
    public static TestServer attach(TestDatabase database, UnaryOperator<TidemarkConfig> customize) {
        return new TestServer(database, false, App.start(config(database, customize), Clock.systemUTC()));
    }

    /** Jobs from {@code folder}, loaded but never run on a schedule: the test decides when they run. */
    public static UnaryOperator<TidemarkConfig> unscheduledJobs(String folder) {
        return c -> c.withJobs(new JobsConfig(folder, false, null, null, null, null));
    }

    private static TidemarkConfig config(TestDatabase database, UnaryOperator<TidemarkConfig> customize) {
        return customize.apply(TidemarkConfig.defaults()
                .withDatabase(database.config())
                .withHttp(new HttpConfig("127.0.0.1", 0))
                .withAdmin(new AdminConfig(ADMIN_TOKEN)));
    }

    public TestDatabase database() {
        return database;
    }

    public App app() {
        return app;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + app.port() + path);
    }

    public HttpResponse<String> post(String path, String contentType, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    /** An admin API call with the test token; {@code body} may be null for an empty POST. */
    public HttpResponse<String> admin(String method, String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpClient client() {
        return client;
    }

    /** Runs a query returning one number (count, sum, ...). */
    public long queryLong(String sql) {
        try (Connection c = database.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Runs a statement against the test database. */
    public void execute(String sql) {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Stops the server gracefully, keeping the database (tests may inspect it after a shutdown). */
    public void stopServer() {
        app.close();
    }

    @Override
    public void close() {
        try {
            app.close();
        } catch (RuntimeException ignored) {
            // already stopped
        } finally {
            if (ownsDatabase) database.close();
        }
    }
}
