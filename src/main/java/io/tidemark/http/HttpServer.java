package io.tidemark.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidemark.alerts.AlertsQuery;
import io.tidemark.auth.FailedLogins;
import io.tidemark.auth.Principal;
import io.tidemark.auth.Scope;
import io.tidemark.auth.StreamTickets;
import io.tidemark.auth.Tokens;
import io.tidemark.config.AuthConfig;
import io.tidemark.config.HttpConfig;
import io.tidemark.config.IngestConfig;
import io.tidemark.config.InvalidConfigException;
import io.tidemark.ingest.IngestService;
import io.tidemark.jobs.JobService;
import io.tidemark.query.LatestQuery;
import io.tidemark.query.LiveRollups;
import io.tidemark.query.ReadingsQuery;
import io.tidemark.query.SeriesQuery;
import io.tidemark.storage.Database;
import io.tidemark.stream.FeedQuery;
import io.tidemark.stream.StreamHub;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;

/** The route table: every endpoint, and the one mapping of failures to status codes. */
public final class HttpServer {
    /** Longest wait for requests in flight when stopping; the ingest queue is drained before, so they are few. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    /** What the routes serve: every feature that has an endpoint; {@code feed} and {@code latest} null when off. */
    public record Endpoints(Database database, IngestService ingest, SeriesQuery series, ReadingsQuery readings,
            LiveRollups rollups, AlertsQuery alerts, StreamHub stream, FeedQuery feed, JobService jobs,
            Tokens tokens, PrometheusMeterRegistry registry, LatestQuery latest) {}

    private final Javalin app;
    private final RequestBodies bodies;

    public HttpServer(HttpConfig config, IngestConfig ingestConfig, AuthConfig auth, String adminToken,
            Endpoints endpoints) {
        PrometheusMeterRegistry registry = endpoints.registry();
        ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        this.bodies = new RequestBodies(config, ingestConfig.maxBodyBytes());
        Gauge.builder("tidemark.http.buffered.body", bodies, RequestBodies::bufferedBytes).baseUnit("bytes")
                .description("Bytes of request bodies held in memory while they arrive (bounded by"
                        + " http.max_buffered_bytes)").register(registry);
        ReadingsRoutes readings = new ReadingsRoutes(endpoints.ingest(), bodies);
        InfluxWriteRoutes influxWrites = new InfluxWriteRoutes(endpoints.ingest(), bodies);
        InfluxQueryRoutes influxQueries = new InfluxQueryRoutes();
        RemoteWriteRoutes remoteWrite = new RemoteWriteRoutes(endpoints.ingest(), bodies, registry);
        QueryRoutes queries = new QueryRoutes(endpoints.series(), endpoints.readings(), endpoints.rollups(),
                endpoints.alerts());
        StreamRoutes stream = new StreamRoutes(endpoints.stream());
        FeedRoutes feed = new FeedRoutes(endpoints.feed());
        LatestRoutes latest = new LatestRoutes(endpoints.latest());
        HealthRoutes health = new HealthRoutes(endpoints.database(), endpoints.ingest(), registry);
        AdminRoutes admin = new AdminRoutes(endpoints.jobs());
        SeriesAdminRoutes seriesAdmin = new SeriesAdminRoutes(endpoints.ingest());
        TokenRoutes tokens = new TokenRoutes(endpoints.tokens());
        AccessControl access = new AccessControl(endpoints.tokens().authenticator(adminToken),
                Principal.anonymous(Scope.of(auth.anonymous())), new FailedLogins(registry),
                new StreamTickets(endpoints.database().jdbi()), bodies);
        RequestTimers requestTimers = new RequestTimers(registry);
        WriteHandler writes = new WriteHandler(Map.of(
                ReadingsRoutes.WRITE, access.requireBeforeBody(Scope.WRITE, readings::post),
                InfluxProtocol.WRITE_V1, access.requireBeforeBody(Scope.WRITE, influxWrites::writeV1),
                InfluxProtocol.WRITE_V2, access.requireBeforeBody(Scope.WRITE, influxWrites::writeV2),
                RemoteWriteRoutes.WRITE, access.requireBeforeBody(Scope.WRITE, remoteWrite::write)), requestTimers);
        this.app = Javalin.create(c -> {
            c.jsonMapper(new JavalinJackson(json, false));
            c.startup.showJavalinBanner = false;
            // Bodies are streamed and bounded by RequestBodies; Javalin's own limit applies only to ctx.body().
            c.http.maxRequestSize = ingestConfig.maxBodyBytes();
            // Javalin copies every answer through a buffer of this size; most answers are a few bytes of JSON.
            c.http.responseBufferSize = 8 * 1024;
            // A known path asked with another method is a 405 with Allow (see ErrorResponses), not a 404.
            c.http.prefer405over404 = true;
            // Stop gracefully: a request that still arrives on an open connection while the server stops gets a 503
            // from Jetty, instead of reaching the servlet as it is torn down (a 500 from Javalin).
            c.jetty.modifyServer(server -> {
                GracefulHandler graceful = new GracefulHandler();
                // The write routes first (Javalin attaches its servlet context inside the innermost wrapper).
                graceful.setHandler(writes);
                server.setHandler(graceful);
                server.setErrorHandler(new JsonErrorHandler());
                server.setStopTimeout(STOP_TIMEOUT.toMillis());
                // Past this many connections Jetty stops accepting (new ones wait in the OS backlog) until some close.
                server.addBean(new NetworkConnectionLimit(config.maxConnections(), server));
            });
            c.jetty.modifyServletContextHandler(context -> context.setErrorHandler(new JsonErrorHandler()));
            c.jetty.addConnector((server, http) -> {
                ServerConnector connector = config.tls() == null
                        ? new ServerConnector(server, new HttpConnectionFactory(http))
                        : HttpsConnector.create(server, http, config.tls());
                connector.setHost(config.host());
                connector.setPort(config.port());
                connector.setIdleTimeout(config.idleTimeout().toMillis());
                return connector;
            });
            c.requestLogger.http((ctx, ms) -> requestTimers.timer(ctx).record((long) (ms * 1000),
                    TimeUnit.MICROSECONDS));
            // Every route names the scope it needs; admin implies all (see AccessControl and README 'Security').
            // The write routes' POSTs are served by WriteHandler before Javalin; see its servedAhead.
            c.routes.post(ReadingsRoutes.WRITE, WriteHandler::servedAhead);
            c.routes.get("/api/v1/readings", access.require(Scope.READ, queries::readings));
            c.routes.get("/api/v1/series", access.require(Scope.READ, queries::series));
            c.routes.get("/api/v1/latest", access.require(Scope.READ, latest::latest));
            c.routes.get("/api/v1/alerts", access.require(Scope.READ, queries::alerts));
            c.routes.get("/api/v1/stream", access.requireOrTicket(Scope.READ, stream::stream));
            c.routes.post("/api/v1/stream/tickets", access.require(Scope.READ,
                    ctx -> stream.ticket(ctx, access.tickets())));
            c.routes.get("/api/v1/feed", access.require(Scope.READ, feed::feed));
            c.routes.get("/api/v1/rollups/{width}", access.require(Scope.READ, queries::rollups));
            // InfluxDB's write API for Telegraf and the InfluxDB clients (README 'Telegraf and InfluxDB clients');
            // /ping is open, as /health: clients and load balancers ask it before they hold a credential.
            c.routes.post(InfluxProtocol.WRITE_V1, WriteHandler::servedAhead);
            c.routes.post(InfluxProtocol.WRITE_V2, WriteHandler::servedAhead);
            c.routes.get(InfluxProtocol.QUERY_V1, access.require(Scope.WRITE, influxQueries::query));
            c.routes.post(InfluxProtocol.QUERY_V1, access.require(Scope.WRITE, influxQueries::query));
            c.routes.get(InfluxProtocol.PING, influxQueries::ping);
            // Prometheus remote write (README 'Prometheus').
            c.routes.post(RemoteWriteRoutes.WRITE, WriteHandler::servedAhead);
            c.routes.head(InfluxProtocol.PING, influxQueries::ping);
            c.routes.get("/health", ctx -> health.health(ctx, access.identify(ctx).allows(Scope.METRICS)));
            c.routes.get("/metrics", access.require(Scope.METRICS, health::metrics));
            c.routes.before("/admin/*", ctx -> access.check(ctx, Scope.ADMIN));
            c.routes.get("/admin/jobs", admin::list);
            c.routes.get("/admin/series", seriesAdmin::show);
            c.routes.post("/admin/jobs/reload", admin::reload);
            c.routes.get("/admin/jobs/{name}", admin::show);
            c.routes.get("/admin/jobs/{name}/runs", admin::runs);
            c.routes.get("/admin/jobs/{name}/runs/{id}", admin::showRun);
            c.routes.post("/admin/jobs/{name}/run", admin::run);
            c.routes.post("/admin/tokens", tokens::create);
            c.routes.get("/admin/tokens", tokens::list);
            c.routes.delete("/admin/tokens/{id}", tokens::revoke);
            // Javalin answers its own HttpResponseExceptions in plain text unless told otherwise; keep errors JSON.
            c.routes.exception(HttpResponseException.class, (e, ctx) -> ErrorResponses.respond(ctx, e));
            c.routes.exception(Exception.class, (e, ctx) -> ErrorResponses.respond(ctx, e));
        });
    }

    /**
     * Fails if {@code http.tls} names files that cannot serve HTTPS, so that start-up can say so before it waits for
     * the database; the server reads them again when it is built.
     *
     * @throws InvalidConfigException naming the file and what is wrong with it
     */
    public static void checkTls(HttpConfig config) {
        if (config.tls() != null) HttpsConnector.keyStore(config.tls(), new char[] {'-'});
    }

    public void start() {
        app.start();
    }

    /** The port actually bound (differs from the configured one when that is 0). */
    public int port() {
        return app.port();
    }

    public void stop() {
        app.stop();
        bodies.close();
    }
}
