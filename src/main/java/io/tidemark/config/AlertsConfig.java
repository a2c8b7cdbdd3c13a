package io.tidemark.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Alerts evaluated on ingest: the rules, how many alert events may wait to be stored ({@code queueCapacity}; beyond
 * it they are dropped and counted), and the optional webhook. Rule names are unique: a stored alert names its rule.
 *
 * <p>{@code retiredRules} names rules that were removed for good, from every node sharing the database: their open
 * alerts are resolved ({@code rule_removed}). A rule merely absent from {@code rules} is not retired, since another
 * node may still run it, so its open alerts are left alone.
 */
public record AlertsConfig(List<AlertRuleConfig> rules, Integer queueCapacity, WebhookConfig webhook,
        List<String> retiredRules) {
    public static final int DEFAULT_QUEUE_CAPACITY = 10_000;
    public static final int MAX_RULES = 10_000;

    /** Reports every bad rule, not just the first. */
    public AlertsConfig {
        rules = rules == null ? List.of() : List.copyOf(rules);
        retiredRules = retiredRules == null ? List.of() : List.copyOf(retiredRules);
        List<String> problems = new ArrayList<>();
        if (rules.size() > MAX_RULES) {
            problems.add("alerts.rules has " + rules.size() + " rules; at most " + MAX_RULES);
        }
        Set<String> names = new HashSet<>();
        for (AlertRuleConfig rule : rules) {
            try {
                rule.check();
            } catch (InvalidConfigException e) {
                problems.add(e.getMessage());
            }
            if (rule.name() != null && !names.add(rule.name())) {
                problems.add("alerts.rules: rule name '" + rule.name() + "' is used twice");
            }
        }
        for (String retired : retiredRules) {
            if (retired == null || retired.isBlank()) {
                problems.add("alerts.retired_rules: a name is blank");
            } else if (names.contains(retired)) {
                problems.add("alerts.retired_rules: '" + retired + "' is also in alerts.rules; a rule still in use"
                        + " cannot be retired");
            }
        }
        try {
            queueCapacity = Check.range("alerts.queue_capacity",
                    queueCapacity == null ? DEFAULT_QUEUE_CAPACITY : queueCapacity, 1, 10_000_000);
        } catch (InvalidConfigException e) {
            problems.add(e.getMessage());
        }
        if (!problems.isEmpty()) throw InvalidConfigException.of(problems);
        if (webhook == null) webhook = WebhookConfig.none();
    }

    /** No rules, no webhook. */
    public static AlertsConfig none() {
        return new AlertsConfig(null, null, null, null);
    }

    public AlertsConfig withRules(List<AlertRuleConfig> newRules) {
        return new AlertsConfig(newRules, queueCapacity, webhook, retiredRules);
    }

    public AlertsConfig withWebhook(WebhookConfig newWebhook) {
        return new AlertsConfig(rules, queueCapacity, newWebhook, retiredRules);
    }

    public AlertsConfig withRetiredRules(List<String> newRetiredRules) {
        return new AlertsConfig(rules, queueCapacity, webhook, newRetiredRules);
    }
}
