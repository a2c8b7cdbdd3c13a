package io.tidemark.alerts;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tidemark.config.AlertRuleConfig;
import io.tidemark.ingest.CommitListener;
import io.tidemark.ingest.CommittedReadings;
import io.tidemark.names.Tags;
import io.tidemark.time.EpochMicros;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Evaluates the alert rules on every committed reading, on the writer thread right after the commit.
 *
 * <p>Per reading: one lookup of the series' applicable rules (worked out on first sight of the series and cached
 * for good; a series no rule applies to costs only that lookup), then two comparisons per applicable rule. A rule
 * that fires or resolves becomes an {@link AlertEvent} handed to {@code sink} without blocking (the
 * {@link AlertStore} queue), which stores it before it is streamed or POSTed.
 *
 * <p>What lives only here and is lost if the process dies: progress towards firing (consecutive readings, duration
 * held). After a restart it starts from scratch. Open alerts are in the table and are resumed at start-up.
 */
final class AlertEvaluator implements CommitListener, SeriesRules.Transitions {
    private final List<AlertRule> rules;
    private final Consumer<AlertEvent> sink;
    private final Clock clock;
    /** Series id to its rules; only grows (one entry per series seen; {@link SeriesRules#NONE} is shared). */
    private final Map<Integer, SeriesRules> bySeries = new ConcurrentHashMap<>();
    private final Map<String, Counter> fired;
    private final Counter resolved;
    private final CommittedReadings.Visitor visitor = this::evaluate;

    AlertEvaluator(List<AlertRuleConfig> rules, Consumer<AlertEvent> sink, Clock clock, MeterRegistry registry) {
        this.rules = rules.stream().map(AlertRule::of).toList();
        this.sink = sink;
        this.clock = clock;
        this.fired = AlertRuleConfig.SEVERITIES.stream().collect(Collectors.toUnmodifiableMap(s -> s,
                s -> Counter.builder("tidemark.alerts.fired").tag("severity", s)
                        .description("Alerts fired by rules").register(registry)));
        this.resolved = Counter.builder("tidemark.alerts.resolved").description("Alerts resolved")
                .register(registry);
    }

    @Override
    public void onCommit(CommittedReadings readings) {
        readings.forEach(visitor);
    }

    void evaluate(int seriesId, String sensor, String metric, Tags tags, long tsMicros, double value) {
        SeriesRules series = rulesOf(seriesId, sensor, metric, tags);
        if (!series.isEmpty()) series.evaluate(tsMicros, value, this);
    }

    /**
     * Resumes an alert that was open when the server last stopped, so that it can resolve. Call before ingest starts.
     * Returns false if its rule is gone from the configuration or no longer applies to its series.
     */
    boolean resume(Alert open) {
        OpenAlert alert = new OpenAlert(open.id(), open.severity(), open.message(),
                EpochMicros.of(open.ts()), open.value(), open.firedAt());
        return rulesOf(open.seriesId(), open.sensor(), open.metric(), open.tags()).resume(open.rule(), alert);
    }

    private SeriesRules rulesOf(int seriesId, String sensor, String metric, Tags tags) {
        SeriesRules series = bySeries.get(seriesId);
        return series != null ? series
                : bySeries.computeIfAbsent(seriesId, id -> SeriesRules.match(id, sensor, metric, tags, rules));
    }

    @Override
    public OpenAlert fired(SeriesRules series, AlertRule rule, long tsMicros, double value) {
        OpenAlert open = new OpenAlert(UUID.randomUUID(), rule.severity(), rule.message(), tsMicros, value, now());
        fired.get(rule.severity()).increment();
        sink.accept(new AlertEvent(AlertEvent.Kind.FIRED, alert(series, rule.name(), open, null, null, null)));
        return open;
    }

    @Override
    public void resolved(SeriesRules series, AlertRule rule, OpenAlert open, long tsMicros, double value) {
        resolved.increment();
        sink.accept(new AlertEvent(AlertEvent.Kind.RESOLVED,
                alert(series, rule.name(), open, Alert.CLEARED, tsMicros, value)));
    }

    /** In microseconds, as PostgreSQL stores it, so a streamed alert says exactly what the table says. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private Alert alert(SeriesRules s, String rule, OpenAlert open, String resolution, Long resolvedTsMicros,
            Double resolvedValue) {
        return new Alert(open.id(), rule, s.seriesId, s.sensor, s.metric, s.tags, open.severity(), open.message(),
                EpochMicros.toInstant(open.tsMicros()), open.value(), open.firedAt(),
                resolution == null ? null : now(), resolution,
                resolvedTsMicros == null ? null : EpochMicros.toInstant(resolvedTsMicros), resolvedValue);
    }
}
