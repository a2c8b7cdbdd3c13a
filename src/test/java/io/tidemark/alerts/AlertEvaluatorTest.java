package io.tidemark.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tidemark.config.AlertRuleConfig;
import io.tidemark.config.InvalidConfigException;
import io.tidemark.names.Tags;
import io.tidemark.testing.RandomSeed;
import io.tidemark.time.EpochMicros;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RandomSeed.class)
class AlertEvaluatorTest {
    private final List<AlertEvent> events = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-24T10:00:00.123456789Z"), ZoneOffset.UTC);

    @Test
    void aRuleWithTagsWatchesOnlySeriesWhoseTagsContainThemAndItsAlertsSayTheTags() {
        AlertEvaluator evaluator = evaluator(List.of(new AlertRuleConfig("db-idle", "cpu", "usage_idle", null, 10.0,
                null, null, null, null, null, Map.of("role", "db"))));
        Tags db1 = Tags.of(Map.of("host", "db-1", "role", "db"));
        evaluator.evaluate(1, "cpu", "usage_idle", Tags.of(Map.of("host", "web-1", "role", "web")), 1, 2);
        evaluator.evaluate(2, "cpu", "usage_idle", Tags.NONE, 1, 2);
        evaluator.evaluate(3, "cpu", "usage_idle", db1, 1, 2);
        assertThat(events).hasSize(1);
        assertThat(events.get(0).alert().seriesId()).isEqualTo(3);
        assertThat(events.get(0).alert().tags()).isEqualTo(db1);
    }

    @Test
    void aRuleWithABadTagIsAConfigurationError() {
        assertThatThrownBy(() -> evaluator(List.of(new AlertRuleConfig("bad", "cpu", "x", 1.0, null, null, null, null,
                null, null, Map.of("host", "")))))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("alerts.rules 'bad'.tags: value of tag 'host' must not be empty");
    }

    @Test
    void firesAndResolvesPerSeriesWithTheSameAlertId() {
        AlertEvaluator evaluator = evaluator(List.of(
                new AlertRuleConfig("hot", "boiler-*", "temperature", 90.0, null, null, null, null, "critical",
                "too hot", null)));
        evaluator.evaluate(1, "boiler-1", "temperature", Tags.NONE, 1, 95);
        evaluator.evaluate(2, "boiler-2", "temperature", Tags.NONE, 1, 50);
        evaluator.evaluate(3, "boiler-1", "pressure", Tags.NONE, 1, 95);
        evaluator.evaluate(4, "pump-1", "temperature", Tags.NONE, 1, 95);
        evaluator.evaluate(1, "boiler-1", "temperature", Tags.NONE, 2, 96);
        evaluator.evaluate(1, "boiler-1", "temperature", Tags.NONE, 3, 20);

        assertThat(events).extracting(AlertEvent::kind).containsExactly(AlertEvent.Kind.FIRED,
                AlertEvent.Kind.RESOLVED);
        Alert fired = events.get(0).alert();
        Alert resolved = events.get(1).alert();
        assertThat(fired.id()).isEqualTo(resolved.id());
        assertThat(fired).extracting(Alert::rule, Alert::sensor, Alert::metric, Alert::severity, Alert::message,
                Alert::value, Alert::state).containsExactly("hot", "boiler-1", "temperature", "critical", "too hot",
                95.0,
                "open");
        assertThat(fired.firedAt()).as("microseconds, as stored")
                .isEqualTo(Instant.parse("2026-11-24T10:00:00.123456Z"));
        assertThat(resolved).extracting(Alert::state, Alert::resolution, Alert::resolvedValue, Alert::ts)
                .containsExactly("resolved", "cleared", 20.0, EpochMicros.toInstant(1));
        assertThat(registry.get("tidemark.alerts.fired").tag("severity", "critical").counter().count()).isEqualTo(1);
        assertThat(registry.get("tidemark.alerts.resolved").counter().count()).isEqualTo(1);
    }

    @Test
    void everyApplicableRuleIsEvaluatedIndependently() {
        List<AlertRuleConfig> rules = new ArrayList<>(IntStream.range(0, 98).mapToObj(i ->
                new AlertRuleConfig("other-" + i, "sensor-" + i + "-*", "*", 0.0, null, null, null, null, null,
                        null, null)).toList());
        rules.add(new AlertRuleConfig("high", "tank-*", "level", 80.0, null, null, 2, null, null, null, null));
        rules.add(new AlertRuleConfig("low", "tank-?", "*", null, 10.0, null, null, null, "info", null, null));
        AlertEvaluator evaluator = evaluator(rules);
        evaluator.evaluate(7, "tank-1", "level", Tags.NONE, 1, 85);
        evaluator.evaluate(7, "tank-1", "level", Tags.NONE, 2, 85);
        evaluator.evaluate(7, "tank-1", "level", Tags.NONE, 3, 5);
        assertThat(events).extracting(e -> e.kind() + " " + e.alert().rule())
                .containsExactly("FIRED high", "RESOLVED high", "FIRED low");
        assertThat(events.get(2).alert().message()).isEqualTo("below 10");
    }

    @Test
    void resumedAlertResolvesWithItsStoredIdentity() {
        AlertEvaluator evaluator = evaluator(List.of(
                new AlertRuleConfig("hot", "boiler-*", "temperature", 90.0, null, null, null, null, null, null, null)));
        Alert open = new Alert(java.util.UUID.randomUUID(), "hot", 1, "boiler-1", "temperature", Tags.NONE, "critical",
                "said then", EpochMicros.toInstant(100), 95, Instant.EPOCH, null, null, null, null);
        Alert gone = new Alert(java.util.UUID.randomUUID(), "removed-rule", 1, "boiler-1", "temperature", Tags.NONE,
                "info", "m", EpochMicros.toInstant(100), 95, Instant.EPOCH, null, null, null, null);
        assertThat(evaluator.resume(open)).isTrue();
        assertThat(evaluator.resume(gone)).isFalse();
        evaluator.evaluate(1, "boiler-1", "temperature", Tags.NONE, 200, 97);
        assertThat(events).isEmpty();
        evaluator.evaluate(1, "boiler-1", "temperature", Tags.NONE, 300, 50);
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(AlertEvent.Kind.RESOLVED);
            assertThat(e.alert()).extracting(Alert::id, Alert::severity, Alert::message)
                    .containsExactly(open.id(), "critical", "said then");
        });
    }

    /** Many series interleaved: each series' events equal those of a lone SeriesRules fed only that series. */
    @Test
    void seriesDoNotDisturbEachOther(Random random) {
        AlertRuleConfig config = new AlertRuleConfig("r", "s-*", "m", 50.0, null, null, 2, Duration.ofSeconds(1), null,
                null, null);
        AlertEvaluator evaluator = evaluator(List.of(config));
        AlertRule rule = AlertRule.of(config);
        SeriesRules[] alone = new SeriesRules[10];
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < alone.length; i++) {
            alone[i] = new SeriesRules(i + 1, "s-" + i, "m", Tags.NONE, List.of(rule));
        }
        for (int n = 0; n < 10_000; n++) {
            int s = random.nextInt(alone.length);
            long ts = n * 300_000L;
            double value = random.nextInt(100);
            int sensor = s;
            alone[s].evaluate(ts, value, new SeriesRules.Transitions() {
                @Override
                public OpenAlert fired(SeriesRules series, AlertRule r, long t, double v) {
                    expected.add("FIRE s-" + sensor);
                    return new OpenAlert(java.util.UUID.randomUUID(), "warning", "m", t, v, Instant.EPOCH);
                }

                @Override
                public void resolved(SeriesRules series, AlertRule r, OpenAlert alert, long t, double v) {
                    expected.add("RESOLVE s-" + sensor);
                }
            });
            evaluator.evaluate(s + 1, "s-" + s, "m", Tags.NONE, ts, value);
        }
        assertThat(events)
                .extracting(e -> (e.kind() == AlertEvent.Kind.FIRED ? "FIRE" : "RESOLVE") + " " + e.alert().sensor())
                .isEqualTo(expected);
    }

    private AlertEvaluator evaluator(List<AlertRuleConfig> rules) {
        return new AlertEvaluator(rules, events::add, clock, registry);
    }
}
