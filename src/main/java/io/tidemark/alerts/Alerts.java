package io.tidemark.alerts;

import io.micrometer.core.instrument.MeterRegistry;
import io.tidemark.config.AlertRuleConfig;
import io.tidemark.config.AlertsConfig;
import io.tidemark.ingest.IngestService;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert pipeline, wired: the evaluator on the writer threads, then the store, then whoever listens (the stream)
 * and the webhook; with its start, its stop and the listing of stored alerts. Resumed by the composition root before
 * ingest starts, because commit listeners must be registered by then, and started once the node is sure to run.
 */
public final class Alerts {
    private static final Logger log = LoggerFactory.getLogger(Alerts.class);

    private final AlertsConfig config;
    private final AlertStore store;
    private final WebhookNotifier webhook;
    private final AlertsQuery query;
    /** Open alerts this node will resolve once it runs (see {@link #start()}); the rest stay as they are. */
    private final List<Alert> toResolve;

    private Alerts(AlertsConfig config, AlertStore store, WebhookNotifier webhook, AlertsQuery query,
            List<Alert> toResolve) {
        this.config = config;
        this.store = store;
        this.webhook = webhook;
        this.query = query;
        this.toResolve = toResolve;
    }

    /**
     * Reads back the alerts left open by earlier runs and resumes those of this node's rules, and registers the
     * evaluator with {@code ingest} (which must not have started yet). Changes nothing in the database: that waits
     * for {@link #start()}, once this node is sure to run.
     *
     * <p>An open alert whose rule this node does not have is left open and untouched: several nodes with different
     * rules may share the database, and the node that runs the rule resolves it. Only a rule named in
     * {@code alerts.retired_rules}, or one of this node's rules that no longer covers the alert's series, has its
     * alerts resolved ({@code rule_removed}).
     *
     * @param listener receives every alert event once it is stored (the stream), on the store's thread; must not block
     */
    public static Alerts resume(AlertsConfig config, Jdbi jdbi, IngestService ingest, Consumer<AlertEvent> listener,
            MeterRegistry registry, Clock clock) {
        WebhookNotifier webhook = config.webhook().enabled() ? new WebhookNotifier(config.webhook(), registry) : null;
        List<Consumer<AlertEvent>> afterStore = new ArrayList<>();
        afterStore.add(listener);
        if (webhook != null) afterStore.add(webhook);
        AlertStore store = new AlertStore(jdbi, config.queueCapacity(), afterStore, clock, registry);
        AlertEvaluator evaluator = new AlertEvaluator(config.rules(), store, clock, registry);

        Set<String> known = config.rules().stream().map(AlertRuleConfig::name).collect(Collectors.toSet());
        Set<String> retired = Set.copyOf(config.retiredRules());
        List<Alert> toResolve = new ArrayList<>();
        Map<String, Integer> othersOpen = new TreeMap<>();
        int resumed = 0;
        for (Alert alert : store.loadOpen()) {
            if (retired.contains(alert.rule())) {
                toResolve.add(alert);
            } else if (!known.contains(alert.rule())) {
                othersOpen.merge(alert.rule(), 1, Integer::sum);
            } else if (evaluator.resume(alert)) {
                resumed++;
            } else {
                toResolve.add(alert);
            }
        }
        if (resumed > 0) log.info("Resumed {} open alerts", resumed);
        if (!othersOpen.isEmpty()) {
            log.info("Left open, for the nodes that run their rules: {} (open alerts by rule; list a rule in"
                    + " alerts.retired_rules to resolve its alerts)", othersOpen);
        }
        if (!config.rules().isEmpty()) ingest.addCommitListener(evaluator);
        return new Alerts(config, store, webhook, new AlertsQuery(jdbi), List.copyOf(toResolve));
    }

    /**
     * Call once this node is sure to run (its HTTP port is bound): resolves the alerts of retired rules, and of this
     * node's rules that no longer cover their series, then starts the store and webhook threads.
     */
    public void start() {
        store.resolveRuleRemoved(toResolve);
        store.start();
        if (webhook != null) webhook.start();
        log.info("Alerts: {} rules, webhook {}", config.rules().size(), webhook == null ? "off" : "on");
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
