package io.tidemark.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Alerts evaluated on the feed: the rules and the optional webhook. Rule names are unique: a stored alert names its
 * rule, and nodes that share a database mean the same rule by the same name.
 *
 * <p>{@code retiredRules} names rules that were removed for good, from every node sharing the database: their open
 * alerts are resolved ({@code rule_removed}). A rule merely absent from {@code rules} is not retired, since another
 * node may still run it, so its open alerts are left alone until no running node has had it for
 * {@code forgetRulesAfter} (long enough for every node to be restarted in turn).
 */
public record AlertsConfig(List<AlertRuleConfig> rules, WebhookConfig webhook, List<String> retiredRules,
        Duration forgetRulesAfter) {
    public static final int MAX_RULES = 10_000;
    public static final Duration DEFAULT_FORGET_RULES_AFTER = Duration.ofMinutes(10);

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
            forgetRulesAfter = Check.positive("alerts.forget_rules_after",
                    forgetRulesAfter == null ? DEFAULT_FORGET_RULES_AFTER : forgetRulesAfter);
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
        return new AlertsConfig(newRules, webhook, retiredRules, forgetRulesAfter);
    }

    public AlertsConfig withWebhook(WebhookConfig newWebhook) {
        return new AlertsConfig(rules, newWebhook, retiredRules, forgetRulesAfter);
    }

    public AlertsConfig withForgetRulesAfter(Duration newForgetRulesAfter) {
        return new AlertsConfig(rules, webhook, retiredRules, newForgetRulesAfter);
    }

    public AlertsConfig withRetiredRules(List<String> newRetiredRules) {
        return new AlertsConfig(rules, webhook, newRetiredRules, forgetRulesAfter);
    }
}
