package io.tidemark.alerts;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tidemark.config.AlertRuleConfig;
import io.tidemark.config.AlertsConfig;
import io.tidemark.feed.Feed;
import io.tidemark.storage.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert pipeline, wired: this node's share of the rules evaluated on the feed (see {@link RuleOwners}), the
 * webhook for what they store, and the listing of stored alerts; with its start and its stop.
 *
 * <p>Across nodes: each rule runs on one node at a time, so {@code for_readings} and {@code for_duration} count
 * readings whichever node received them, and a firing is stored, streamed and POSTed once. An open alert is resolved
 * as {@code rule_removed} only when its rule is in no running node's configuration, or listed in
 * {@code alerts.retired_rules} (see {@link RuleRetirement}).
 */
public final class Alerts {
    private static final Logger log = LoggerFactory.getLogger(Alerts.class);

    private final AlertsConfig config;
    private final RuleOwners owners;
    private final WebhookNotifier webhook;
    private final AlertsQuery query;

    private Alerts(AlertsConfig config, RuleOwners owners, WebhookNotifier webhook, AlertsQuery query) {
        this.config = config;
        this.owners = owners;
        this.webhook = webhook;
        this.query = query;
    }

    /**
     * Builds the pipeline; nothing runs and nothing is written until {@link #start()}.
     *
     * @param feed null when {@code feed.enabled} is false, which the configuration allows only without rules
     */
    public static Alerts create(AlertsConfig config, Database database, Feed feed, MeterRegistry registry,
            Clock clock) {
        List<AlertRule> rules = config.rules().stream().map(AlertRule::of).toList();
        WebhookNotifier webhook = config.webhook().enabled() ? new WebhookNotifier(config.webhook(), registry) : null;
        Map<String, Counter> fired = AlertRuleConfig.SEVERITIES.stream().collect(Collectors.toUnmodifiableMap(s -> s,
                s -> Counter.builder("tidemark.alerts.fired").tag("severity", s)
                        .description("Alerts fired by rules (stored by this node)").register(registry)));
        Counter resolved = Counter.builder("tidemark.alerts.resolved")
                .description("Alerts resolved (stored by this node)").register(registry);
        Set<String> known = rules.stream().map(AlertRule::name).collect(Collectors.toSet());
        RuleRetirement retirement = new RuleRetirement(database.jdbi(), known, Set.copyOf(config.retiredRules()),
                config.forgetRulesAfter(), clock, feed != null);
        RuleOwners owners = new RuleOwners(rules, new RuleOwnership(database, List.copyOf(known)), retirement, feed,
                database.jdbi(), clock, event -> {
                    if (event.kind() == AlertEvent.Kind.FIRED) {
                        fired.get(event.alert().severity()).increment();
                    } else {
                        resolved.increment();
                    }
                    if (webhook != null) webhook.accept(event);
                }, registry);
        Gauge.builder("tidemark.alerts.rules.owned", owners, RuleOwners::owned)
                .description("Alert rules this node evaluates now (each rule runs on one node)").register(registry);
        Gauge.builder("tidemark.alerts.position", owners, RuleOwners::evaluatedUpTo)
                .description("Feed row the alert rules of this node have evaluated up to (see tidemark.feed.position)")
                .register(registry);
        return new Alerts(config, owners, webhook, new AlertsQuery(database.jdbi()));
    }

    /** Call once this node is sure to run (its HTTP port is bound): starts the rules and the webhook. */
    public void start() {
        if (webhook != null) webhook.start();
        owners.start();
        log.info("Alerts: {} rules, webhook {}", config.rules().size(), webhook == null ? "off" : "on");
    }

    /** {@code GET /api/v1/alerts}. */
    public AlertsQuery query() {
        return query;
    }

    /**
     * Checkpoints the rules this node runs and lets them go (another node takes them), within about
     * {@code timeout}; then stops the webhook (undelivered events are dropped).
     */
    public void stop(Duration timeout) throws InterruptedException {
        owners.stop(timeout);
        if (webhook != null) webhook.stop();
    }
}
