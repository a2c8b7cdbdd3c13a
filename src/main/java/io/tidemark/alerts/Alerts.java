package io.tidemark.alerts;

import io.micrometer.core.instrument.MeterRegistry;
import io.tidemark.config.AlertsConfig;
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
 * The alert pipeline, wired: the evaluator on the writer threads, then the store, then whoever listens (the stream)
 * and the webhook; with its start, its stop and the listing of stored alerts. Started by the composition root before
 * ingest starts, because commit listeners must be registered by then.
 */
public final class Alerts {
    private static final Logger log = LoggerFactory.getLogger(Alerts.class);

    private final AlertStore store;
    private final WebhookNotifier webhook;
    private final AlertsQuery query;

    private Alerts(AlertStore store, WebhookNotifier webhook, AlertsQuery query) {
        this.store = store;
        this.webhook = webhook;
        this.query = query;
    }

    /**
     * Resumes alerts left open by the last run (resolving those whose rule is gone), registers the evaluator with
     * {@code ingest} (which must not have started yet) and starts the store and webhook threads.
     *
     * @param listener receives every alert event once it is stored (the stream), on the store's thread; must not block
     */
    public static Alerts start(AlertsConfig config, Jdbi jdbi, IngestService ingest, Consumer<AlertEvent> listener,
            MeterRegistry registry, Clock clock) {
        WebhookNotifier webhook = config.webhook().enabled() ? new WebhookNotifier(config.webhook(), registry) : null;
        List<Consumer<AlertEvent>> afterStore = new ArrayList<>();
        afterStore.add(listener);
        if (webhook != null) afterStore.add(webhook);
        AlertStore store = new AlertStore(jdbi, config.queueCapacity(), afterStore, clock, registry);
        AlertEvaluator evaluator = new AlertEvaluator(config.rules(), store, clock, registry);

        List<Alert> gone = new ArrayList<>();
        List<Alert> open = store.loadOpen();
        for (Alert alert : open) {
            if (!evaluator.resume(alert)) gone.add(alert);
        }
        store.resolveRuleRemoved(gone);
        if (open.size() > gone.size()) log.info("Resumed {} open alerts", open.size() - gone.size());

        if (!config.rules().isEmpty()) ingest.addCommitListener(evaluator);
        store.start();
        if (webhook != null) webhook.start();
        log.info("Alerts: {} rules, webhook {}", config.rules().size(), webhook == null ? "off" : "on");
        return new Alerts(store, webhook, new AlertsQuery(jdbi));
    }

    /** {@code GET /api/v1/alerts}. */
    public AlertsQuery query() {
        return query;
    }

    /**
     * Call after ingest has stopped (no more commits): stores the alert events still queued (retrying a lost
     * database for at most {@code timeout}), then stops the webhook (undelivered events are dropped).
     */
    public void stop(Duration timeout) throws InterruptedException {
        store.stop(timeout);
        if (webhook != null) webhook.stop();
    }
}
