package io.tidemark.alerts;

import io.tidemark.config.AlertRuleConfig;
import io.tidemark.config.InvalidConfigException;
import io.tidemark.names.Tags;
import io.tidemark.query.Glob;
import io.tidemark.time.EpochMicros;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A rule from {@code alerts.rules}, compiled for evaluation: globs parsed, tags checked, the sustain duration in
 * microseconds.
 */
record AlertRule(String name, Glob sensor, Glob metric, Tags tags, Condition condition, int forReadings,
        long forMicros, String severity, String message) {

    /** @throws InvalidConfigException naming the rule, if its tags break the rule of tags */
    static AlertRule of(AlertRuleConfig config) {
        String problem = Tags.problem(config.tags());
        if (problem != null) {
            throw new InvalidConfigException("alerts.rules '" + config.name() + "'.tags: " + problem);
        }
        return new AlertRule(config.name(), Glob.of(config.sensor()), Glob.of(config.metric()),
                Tags.of(config.tags()), Condition.of(config), config.forReadings(),
                EpochMicros.fromNanos(config.forDuration().toNanos()), config.severity(), config.message());
    }

    /**
     * The rule's definition, hashed: a checkpoint made under another definition (the rule was edited) keeps its open
     * alerts but not its progress.
     */
    String fingerprint() {
        String definition = String.join("\u0000", name, sensor.toString(), metric.toString(), tags.toMap().toString(),
                Double.toString(condition.low()), Double.toString(condition.high()), Integer.toString(forReadings),
                Long.toString(forMicros), severity, message == null ? "" : message);
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(definition.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    boolean appliesTo(String sensor, String metric, Tags tags) {
        return this.sensor.matches(sensor) && this.metric.matches(metric) && tags.contains(this.tags);
    }
}
