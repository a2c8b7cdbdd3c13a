package io.tidemark.alerts;

import java.util.UUID;

/**
 * A rule firing or resolving on a series, as its owner evaluated it, before it is stored: {@code id} is the alert's,
 * derived from the rule, the series and the feed position of the reading that fired it, so that evaluating the same
 * readings again gives the same alert. For a resolving, {@code tsMicros} and {@code value} are the reading that
 * cleared the condition, or null when the alert resolves because its rule is gone ({@link Alert#RULE_REMOVED}).
 */
record Transition(AlertEvent.Kind kind, String resolution, int seriesId, UUID id, Long tsMicros, Double value) {
    static Transition fired(int seriesId, UUID id, long tsMicros, double value) {
        return new Transition(AlertEvent.Kind.FIRED, null, seriesId, id, tsMicros, value);
    }

    static Transition cleared(int seriesId, UUID id, long tsMicros, double value) {
        return new Transition(AlertEvent.Kind.RESOLVED, Alert.CLEARED, seriesId, id, tsMicros, value);
    }

    static Transition ruleRemoved(int seriesId, UUID id) {
        return new Transition(AlertEvent.Kind.RESOLVED, Alert.RULE_REMOVED, seriesId, id, null, null);
    }
}
