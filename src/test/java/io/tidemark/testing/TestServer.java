package io.tidemark.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.App;
import io.tidemark.config.AdminConfig;
import io.tidemark.config.ConfigLoader;
import io.tidemark.config.DatabaseConfig;
import io.tidemark.config.HttpConfig;
import io.tidemark.config.JobsConfig;
import io.tidemark.config.TidemarkConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** The real Tidemark server on a free port over a fresh {@link TestDatabase}, with a plain HTTP client. */
public final class TestServer implements AutoCloseable {
    /** A shared admin token, so tests can call /admin/* without reading a generated one. */
    public static final String ADMIN_TOKEN = "test-admin-token-0123456789";

    private final TestDatabase database;
    private final boolean ownsDatabase;
    private final App app;
    private final TidemarkClient api;

    private TestServer(TestDatabase database, boolean ownsDatabase, App app) {
        this.database = database;
        this.ownsDatabase = ownsDatabase;
        this.app = app;
        this.api = new TidemarkClient("127.0.0.1", app.port());
    }

    public static TestServer start() {
        return start(UnaryOperator.identity());
    }

    /** Starts with the defaults, adjusted by {@code customize} (the database and port are set for the test). */
    public static TestServer start(UnaryOperator<TidemarkConfig> customize) {
        TestDatabase database = TestDatabase.create();
        return start(database, () -> customize.apply(forTest(TidemarkConfig.defaults(), database.config())));
    }

    /**
     * Starts with {@code yaml} as its {@code config.yaml}, e.g. {@code "ingest:\n  queue_capacity: 10\n"}. The
     * database URL, credentials, the port and the admin token are set for the test; other settings come from the text.
     */
    public static TestServer start(String yaml) {
        TestDatabase database = TestDatabase.create();
        return start(database, () -> forTest(parse(yaml), database.config()));
    }

    /** Like {@link #start(String)}, but the server reaches its database only through {@code proxy}. */
    public static TestServer startBehind(TcpProxy proxy, String yaml) {
        TestDatabase database = TestDatabase.create();
        return start(database, () -> forTest(parse(yaml), database.configVia(proxy.address())));
    }

    /** Starts another server instance on an existing database (which it leaves in place when closed). */
    public static TestServer attach(TestDatabase database, UnaryOperator<TidemarkConfig> customize) {
        TidemarkConfig config = customize.apply(forTest(TidemarkConfig.defaults(), database.config()));
        return new TestServer(database, false, App.start(config, Clock.systemUTC()));
    }

    /** Jobs from {@code folder}, loaded but never run on a schedule: the test decides when they run. */
    public static UnaryOperator<TidemarkConfig> unscheduledJobs(String folder) {
        return c -> c.withJobs(new JobsConfig(folder, false, null, null, null, null));
    }

    private static TestServer start(TestDatabase database, Supplier<TidemarkConfig> config) {
        try {
            return new TestServer(database, true, App.start(config.get(), Clock.systemUTC()));
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** {@code http} on loopback and a free port, its other settings kept. */
    private static HttpConfig local(HttpConfig http) {
        return new HttpConfig("127.0.0.1", 0, http.maxConnections(), http.idleTimeout(), http.bodyTimeout(),
                http.maxBufferedBytes(), http.tls());
    }

    private static TidemarkConfig forTest(TidemarkConfig config, DatabaseConfig reach) {
        DatabaseConfig settings = config.database();
        return config.withDatabase(new DatabaseConfig(reach.url(), reach.user(), reach.password(),
                        settings.poolSize(), settings.connectionTimeout(), false))
                .withHttp(local(config.http()))
                .withAdmin(new AdminConfig(ADMIN_TOKEN));
    }

    private static TidemarkConfig parse(String yaml) {
        try {
            Path file = Files.createTempFile("tidemark-test", ".yaml");
            try {
                Files.writeString(file, yaml);
                return new ConfigLoader().load(file, Map.of());
            } finally {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public TestDatabase database() {
        return database;
    }

    public App app() {
        return app;
    }

    /** A client of this server. */
    public TidemarkClient api() {
        return api;
    }

    public URI uri(String path) {
        return api.uri(path);
    }

    public HttpResponse<String> post(String path, String contentType, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    /** GETs {@code path}, asserts a 200, and returns the JSON answer. */
    public JsonNode getJson(String path) {
        HttpResponse<String> answer = get(path);
        assertThat(answer.statusCode()).as(path + " -> " + answer.body()).isEqualTo(200);
        return TidemarkClient.json(answer);
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
            return api.send(request);
        } catch (UncheckedIOException e) {
            throw new IllegalStateException(e.getMessage(), e.getCause());
        }
    }

    public HttpClient client() {
        return api.http();
    }

    /**
     * Asserts that the server still does its job: {@code GET /health} answers 200 and a good reading is accepted and
     * stored. Tests that provoke errors end with this.
     */
    public void assertHealthy() {
        HttpResponse<String> health = api.get("/health");
        assertThat(health.statusCode()).as("GET /health: %s", health.body()).isEqualTo(200);
        String sensor = "health-check-" + UUID.randomUUID();
        HttpResponse<String> post = api.postReadings(Bodies.JSON, "{\"sensor\":\"" + sensor + "\",\"value\":1}");
        assertThat(post.statusCode()).as("a good reading after the error: %s", post.body()).isEqualTo(200);
        assertThat(database.readings(sensor)).hasSize(1);
    }

    /** Runs a query returning one number (count, sum, ...). */
    public long queryLong(String sql) {
        return database.queryLong(sql);
    }

    /** Runs a statement against the test database. */
    public void execute(String sql) {
        database.execute(sql);
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
