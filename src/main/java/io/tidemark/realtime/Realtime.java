package io.tidemark.realtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.tidemark.config.AlertsConfig;
import io.tidemark.config.StreamConfig;
import io.tidemark.ingest.IngestService;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real-time side, wired: the queries, the stream, and the alert pipeline (evaluator on the writer threads, then
 * store, then stream and webhook), with their start and stop. Built by the composition root before ingest starts,
 * because commit listeners must be registered by then.
 */
public final class Realtime {
    private static final Logger log = LoggerFactory.getLogger(Realtime.class);

    private final StreamHub stream;
    private final SeriesQuery series;
    private final ReadingsQuery readings;
    private final AlertsQuery alerts;
    private final LiveRollups rollups;
    private final AlertStore store;
    private final WebhookNotifier webhook;

    private Realtime(StreamHub stream, SeriesQuery series, ReadingsQuery readings, AlertsQuery alerts,
            LiveRollups rollups, AlertStore store, WebhookNotifier webhook) {
        this.stream = stream;
        this.series = series;
        this.readings = readings;
        this.alerts = alerts;
        this.rollups = rollups;
        this.store = store;
        this.webhook = webhook;
    }

    /**
     * Resumes alerts left open by the last run (resolving those whose rule is gone), registers the stream and the
     * alert evaluator with {@code ingest} (which must not have started yet) and starts the alert threads.
     */
    public static Realtime start(StreamConfig streamConfig, AlertsConfig alertsConfig, Jdbi jdbi, IngestService ingest,
            MeterRegistry registry, Clock clock) {
        StreamHub stream = new StreamHub(streamConfig, registry);
        WebhookNotifier webhook = alertsConfig.webhook().enabled()
                ? new WebhookNotifier(alertsConfig.webhook(), registry) : null;
        List<Consumer<AlertEvent>> afterStore = new ArrayList<>();
        afterStore.add(stream);
        if (webhook != null) afterStore.add(webhook);
        AlertStore store = new AlertStore(jdbi, alertsConfig.queueCapacity(), afterStore, clock, registry);
        AlertEvaluator evaluator = new AlertEvaluator(alertsConfig.rules(), store, clock, registry);

        List<Alert> gone = new ArrayList<>();
        List<Alert> open = store.loadOpen();
        for (Alert alert : open) {
            if (!evaluator.resume(alert)) gone.add(alert);
        }
        store.resolveRuleRemoved(gone);
        if (open.size() > gone.size()) log.info("Resumed {} open alerts", open.size() - gone.size());

        ingest.addCommitListener(stream);
        if (!alertsConfig.rules().isEmpty()) ingest.addCommitListener(evaluator);
        store.start();
        if (webhook != null) webhook.start();
        log.info("Real-time: {} alert rules, webhook {}, stream up to {} clients", alertsConfig.rules().size(),
                webhook == null ? "off" : "on", streamConfig.maxClients());
        return new Realtime(stream, new SeriesQuery(jdbi), new ReadingsQuery(jdbi, clock), new AlertsQuery(jdbi),
                new LiveRollups(jdbi, clock), store, webhook);
    }

    public StreamHub stream() {
        return stream;
    }

    public SeriesQuery series() {
        return series;
    }

    public ReadingsQuery readings() {
        return readings;
    }

    public AlertsQuery alerts() {
        return alerts;
    }

    public LiveRollups rollups() {
        return rollups;
    }

    /**
     * Call after ingest has stopped (no more commits): stores the alert events still queued (retrying a lost
     * database for at most {@code timeout}), stops the webhook (undelivered events are dropped) and closes the
     * stream clients.
     */
    public void stop(Duration timeout) throws InterruptedException {
        try {
            store.stop(timeout);
            if (webhook != null) webhook.stop();
        } finally {
            stream.stop();
        }
    }
}
