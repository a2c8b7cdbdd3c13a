package io.tidemark;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.http.HttpServer;
import io.tidemark.ingest.IngestService;
import io.tidemark.realtime.Realtime;
import io.tidemark.storage.Database;
import io.tidemark.storage.PartitionManager;
import io.tidemark.storage.SeriesRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds every component in order (metrics, database, partitions, ingest, real-time,
 * maintenance, HTTP), passes each its dependencies, and stops them in reverse order.
 */
public final class App implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(App.class);

    private final Database database;
    private final IngestService ingest;
    private final Realtime realtime;
    private final Maintenance maintenance;
    private final HttpServer http;
    private final Duration drainTimeout;
    private final AtomicBoolean closed = new AtomicBoolean();

    private App(Database database, IngestService ingest, Realtime realtime, Maintenance maintenance, HttpServer http,
            Duration drainTimeout) {
        this.database = database;
        this.ingest = ingest;
        this.realtime = realtime;
        this.maintenance = maintenance;
        this.http = http;
        this.drainTimeout = drainTimeout;
    }

    /** Starts a server; on failure, whatever was started is stopped again before the exception propagates. */
    public static App start(TidemarkConfig config, Clock clock) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);

        Database database = Database.open(config.database(), registry);
        try {
            PartitionManager partitions = new PartitionManager(database.jdbi(), config.partitions());
            partitions.refresh();
            partitions.premake(clock.instant());
            SeriesRegistry series = new SeriesRegistry(database.jdbi(), config.ingest().seriesCacheSize());
            IngestService ingest = new IngestService(database.jdbi(), database.dataSource(), series, partitions, config.ingest(), registry,
                    clock);
            Realtime realtime = Realtime.start(config.stream(), config.alerts(), database.jdbi(), ingest, registry, clock);
            ingest.start();

            Maintenance maintenance = new Maintenance();
            maintenance.every(config.partitions().maintenanceInterval(), "premake partitions", () -> {
                partitions.refresh();
                partitions.premake(clock.instant());
            });
            maintenance.every(config.partitions().maintenanceInterval(), "purge idempotency keys",
                    ingest::purgeIdempotencyKeys);
            if (config.partitions().retention() != null) {
                maintenance.every(config.partitions().maintenanceInterval(), "retention",
                        () -> partitions.dropEndingBefore(clock.instant().minus(config.partitions().retention())));
            }

            HttpServer http = new HttpServer(config.http(), config.ingest(), database, ingest, registry, realtime);
            http.start();
            log.info("Tidemark listening on {}:{}", config.http().host(), http.port());
            return new App(database, ingest, realtime, maintenance, http,
                    config.ingest().commitTimeout().plusSeconds(5));
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    public int port() {
        return http.port();
    }

    public Database database() {
        return database;
    }

    /**
     * Graceful stop: new requests get 503 while everything already queued is committed and answered; then alert
     * events still queued are stored and stream clients closed; then the HTTP server, housekeeping and the pool.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        try {
            ingest.stop(drainTimeout);
            realtime.stop(drainTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.stop();
        maintenance.stop();
        database.close();
        log.info("Tidemark stopped");
    }
}
