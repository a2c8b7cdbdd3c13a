package io.tidemark.alerts;

import io.tidemark.config.AlertRuleConfig;

/**
 * An alert condition as the open interval it excludes: it holds for a value below {@code low} or above
 * {@code high}. {@code above X} is (-inf, X], {@code below X} is [X, +inf), {@code outside [lo, hi]} is [lo, hi];
 * one shape, so the per-reading test is two comparisons and no branch on the kind of rule.
 */
record Condition(double low, double high) {
    static Condition of(AlertRuleConfig rule) {
        if (rule.above() != null) return new Condition(Double.NEGATIVE_INFINITY, rule.above());
        if (rule.below() != null) return new Condition(rule.below(), Double.POSITIVE_INFINITY);
        return new Condition(rule.outside().get(0), rule.outside().get(1));
    }

    boolean holds(double value) {
        return value < low || value > high;
    }
}
