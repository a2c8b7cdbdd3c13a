package io.tidemark;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidemark.alerts.Alerts;
import io.tidemark.auth.Exposure;
import io.tidemark.auth.Tokens;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.feed.Feed;
import io.tidemark.feed.FeedRetention;
import io.tidemark.http.HttpServer;
import io.tidemark.ingest.IngestService;
import io.tidemark.ingest.WriterLockWaits;
import io.tidemark.ingest.WrittenAlongside;
import io.tidemark.jobs.JobService;
import io.tidemark.query.LatestQuery;
import io.tidemark.query.LiveRollups;
import io.tidemark.query.ReadingsQuery;
import io.tidemark.query.SeriesQuery;
import io.tidemark.storage.Database;
import io.tidemark.storage.PartitionManager;
import io.tidemark.storage.SeriesNames;
import io.tidemark.storage.SeriesRegistry;
import io.tidemark.stream.FeedQuery;
import io.tidemark.stream.StreamHub;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds every component in order (metrics, database, partitions, ingest, stream, alerts,
 * jobs, maintenance, HTTP), passes each its dependencies, and stops them in reverse order.
 */
public final class App implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(App.class);
    /** How often pg_stat_activity is sampled for writers waiting on a lock (see WriterLockWaits). */
    private static final Duration LOCK_WAIT_SAMPLING = Duration.ofMillis(500);
    /** How often the write log is absorbed into the jobs between their runs (see JobService.absorbWriteLogs). */
    private static final Duration WRITE_LOG_ABSORPTION = Duration.ofSeconds(5);
    /** How often feed rows older than feed.retention are removed. */
    private static final Duration FEED_TRIMMING = Duration.ofMinutes(1);

    private final Database database;
    private final IngestService ingest;
    /** Null when feed.enabled is false. */
    private final Feed feed;
    private final JobService jobs;
    private final StreamHub stream;
    private final Alerts alerts;
    private final Maintenance maintenance;
    private final HttpServer http;
    private final Duration drainTimeout;
    private final AtomicBoolean closed = new AtomicBoolean();

    private App(Database database, IngestService ingest, Feed feed, StreamHub stream, Alerts alerts,
            JobService jobs, Maintenance maintenance, HttpServer http, Duration drainTimeout) {
        this.database = database;
        this.ingest = ingest;
        this.feed = feed;
        this.stream = stream;
        this.alerts = alerts;
        this.jobs = jobs;
        this.maintenance = maintenance;
        this.http = http;
        this.drainTimeout = drainTimeout;
    }

    /**
     * Starts a server; on failure, whatever was started is stopped again before the exception propagates. A config
     * that would open data to other machines without a credential fails first of all (see {@link Exposure}).
     *
     * <p>In two phases, so that an instance started by mistake (on a port in use, say) fails before it changes
     * anything other nodes share: first everything is built and read back (the database is migrated, which is
     * idempotent and locked, and open alerts are read), then the HTTP port is bound, and only then does the node
     * write: partitions ahead, alerts of retired rules, job state, writers, housekeeping (retention, purges).
     */
    public static App start(TidemarkConfig config, Clock clock) {
        Exposure.check(config);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);

        checkPortIsFree(config);
        HttpServer.checkTls(config.http());
        Database database = Database.open(config.database(), registry);
        App app;
        PartitionManager partitions;
        Feed feed = null;
        try {
            partitions = new PartitionManager(database.jdbi(), config.partitions());
            partitions.refresh();
            SeriesRegistry series = new SeriesRegistry(database.jdbi(), config.ingest().seriesCacheSize(),
                    registry);
            IngestService ingest = new IngestService(database.jdbi(), database.dataSource(), series, partitions,
                    config.ingest(), new WrittenAlongside(config.feed().enabled(), config.latest().enabled()),
                    registry, clock);
            if (config.feed().enabled()) {
                feed = new Feed(database, new SeriesNames(database.jdbi(), config.ingest().seriesCacheSize()),
                        config.stream().clientQueue(), registry);
                feed.start(); // only reads; before the port is bound, so that no stream client finds it unstarted
            }
            StreamHub stream = new StreamHub(config.stream(), feed, registry);
            Alerts alerts = Alerts.create(config.alerts(), database, feed, registry, clock);
            JobService jobs = new JobService(database.jdbi(), config.jobs(), clock, registry);
            HttpServer.Endpoints endpoints = new HttpServer.Endpoints(database, ingest,
                    new SeriesQuery(database.jdbi()), new ReadingsQuery(database.jdbi(), clock),
                    new LiveRollups(database.jdbi(), clock), alerts.query(), stream,
                    feed == null ? null : new FeedQuery(feed), jobs, new Tokens(database.jdbi()),
                    registry, config.latest().enabled() ? new LatestQuery(database.jdbi()) : null);
            HttpServer http = new HttpServer(config.http(), config.ingest(), config.auth(), adminToken(config),
                    endpoints);
            listen(http, config);
            app = new App(database, ingest, feed, stream, alerts, jobs, new Maintenance(), http,
                    config.ingest().commitTimeout().plusSeconds(5));
        } catch (RuntimeException e) {
            if (feed != null) feed.close();
            database.close();
            throw e;
        }
        try {
            app.run(config, clock, partitions, registry);
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
        log.info("Stream: up to {} clients", config.stream().maxClients());
        log.info("Tidemark listening on {}:{}", config.http().host(), app.http.port());
        return app;
    }

    /**
     * Fails at once if the HTTP port is taken, rather than after waiting for the database; the port is bound for good
     * later (see {@link #listen}), which is what makes it safe to write.
     */
    private static void checkPortIsFree(TidemarkConfig config) {
        if (config.http().port() == 0) return;
        try (ServerSocket probe = new ServerSocket()) {
            // As Jetty does, so that connections of an earlier run still in TIME_WAIT do not count as the port in use.
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(config.http().host(), config.http().port()));
        } catch (BindException e) {
            throw new PortInUseException(config.http().host(), config.http().port(), e);
        } catch (IOException e) {
            // Not a port in use (say, a host that does not resolve): binding for good will say what it is.
        }
    }

    /** Binds the HTTP port: an instance started on a port in use stops here, before anything shared has changed. */
    private static void listen(HttpServer http, TidemarkConfig config) {
        try {
            http.start();
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof BindException) {
                    throw new PortInUseException(config.http().host(), config.http().port(), e);
                }
            }
            throw e;
        }
    }

    /** The second phase of {@link #start}: this node holds its port, so it may now change shared state. */
    private void run(TidemarkConfig config, Clock clock, PartitionManager partitions,
            PrometheusMeterRegistry registry) {
        partitions.premake(clock.instant());
        if (feed != null) {
            FeedRetention retention = new FeedRetention(database.jdbi(), config.feed().retention());
            maintenance.every(FEED_TRIMMING, "trim the feed", retention::trim);
        }
        alerts.start();
        ingest.start();
        jobs.start();

        maintenance.every(config.partitions().maintenanceInterval(), "premake partitions", () -> {
            partitions.refresh();
            partitions.premake(clock.instant());
        });
        maintenance.every(config.partitions().maintenanceInterval(), "purge idempotency keys",
                ingest::purgeIdempotencyKeys);
        maintenance.every(WRITE_LOG_ABSORPTION, "absorb the write log", jobs::absorbWriteLogs);
        WriterLockWaits lockWaits = new WriterLockWaits(database.jdbi(), LOCK_WAIT_SAMPLING, registry);
        maintenance.every(LOCK_WAIT_SAMPLING, "sample writer lock waits", lockWaits::sample);
        if (config.partitions().retention() != null) {
            maintenance.every(config.partitions().maintenanceInterval(), "retention",
                    () -> partitions.dropEndingBefore(retentionCutoff(clock.instant(), config, jobs)));
        }
    }

    /** Raw partitions end at or before this may go: older than the retention and already materialized by every job. */
    private static Instant retentionCutoff(Instant now, TidemarkConfig config, JobService jobs) {
        Instant cutoff = now.minus(config.partitions().retention());
        Instant needed = jobs.oldestNeededReading();
        return needed != null && needed.isBefore(cutoff) ? needed : cutoff;
    }

    /** The configured admin token, or a random one printed once (to the console, never to the log). */
    private static String adminToken(TidemarkConfig config) {
        if (config.admin().token() != null) return config.admin().token();
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        System.out.println("Admin API token (generated; set TIDEMARK_ADMIN_TOKEN to choose one): " + token);
        return token;
    }

    public int port() {
        return http.port();
    }

    public Database database() {
        return database;
    }

    /**
     * Graceful stop: new requests get 503 while everything already queued is committed and answered; then the alert
     * rules this node runs are checkpointed and let go (another node takes them), stream clients closed and the feed
     * followed no more; then the HTTP server, housekeeping and the pool.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        try {
            ingest.stop(drainTimeout);
            alerts.stop(drainTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stream.stop();
            if (feed != null) feed.close();
        }
        http.stop();
        jobs.stop();
        maintenance.stop();
        database.close();
        log.info("Tidemark stopped");
    }
}
