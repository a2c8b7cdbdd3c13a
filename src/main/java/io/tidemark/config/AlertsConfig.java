package io.tidemark.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Alerts evaluated on ingest: the rules, how many alert events may wait to be stored ({@code queueCapacity}; beyond
 * it they are dropped and counted), and the optional webhook. Rule names are unique: a stored alert names its rule.
 */
public record AlertsConfig(List<AlertRuleConfig> rules, Integer queueCapacity, WebhookConfig webhook) {
    public static final int DEFAULT_QUEUE_CAPACITY = 10_000;
    public static final int MAX_RULES = 10_000;

    public AlertsConfig {
        rules = rules == null ? List.of() : List.copyOf(rules);
        if (rules.size() > MAX_RULES) {
            throw new InvalidConfigException("alerts.rules has " + rules.size() + " rules; at most " + MAX_RULES);
        }
        Set<String> names = new HashSet<>();
        for (AlertRuleConfig rule : rules) {
            rule.check();
            if (!names.add(rule.name())) {
                throw new InvalidConfigException("alerts.rules: rule name '" + rule.name() + "' is used twice");
            }
        }
        queueCapacity = Check.range("alerts.queue_capacity",
                queueCapacity == null ? DEFAULT_QUEUE_CAPACITY : queueCapacity, 1, 10_000_000);
        if (webhook == null) webhook = WebhookConfig.none();
    }

    /** No rules, no webhook. */
    public static AlertsConfig none() {
        return new AlertsConfig(null, null, null);
    }

    public AlertsConfig withRules(List<AlertRuleConfig> newRules) {
        return new AlertsConfig(newRules, queueCapacity, webhook);
    }

    public AlertsConfig withWebhook(WebhookConfig newWebhook) {
        return new AlertsConfig(rules, queueCapacity, newWebhook);
    }
}
