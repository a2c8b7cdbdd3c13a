package io.tidemark.alerts;

import io.tidemark.config.AlertRuleConfig;
import io.tidemark.query.Glob;
import io.tidemark.time.EpochMicros;

/** A rule from {@code alerts.rules}, compiled for evaluation: globs parsed, the sustain duration in microseconds. */
record AlertRule(String name, Glob sensor, Glob metric, Condition condition, int forReadings, long forMicros,
        String severity, String message) {

    static AlertRule of(AlertRuleConfig config) {
        return new AlertRule(config.name(), Glob.of(config.sensor()), Glob.of(config.metric()), Condition.of(config),
                config.forReadings(), EpochMicros.fromNanos(config.forDuration().toNanos()), config.severity(),
                config.message());
    }

    boolean appliesTo(String sensor, String metric) {
        return this.sensor.matches(sensor) && this.metric.matches(metric);
    }
}
