package io.tidemark.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.config.AlertRuleConfig;
import io.tidemark.config.InvalidConfigException;
import io.tidemark.feed.FeedEntry;
import io.tidemark.names.Tags;
import io.tidemark.storage.SeriesKey;
import io.tidemark.testing.RandomSeed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RandomSeed.class)
class RuleEvaluatorTest {
    private static final long SECOND = 1_000_000L;

    @Test
    void longExcursionFiresOnceAndResolvesOnceWithTheSameId() {
        AlertRule rule = rule(90.0, null, null, 1, Duration.ZERO);
        RuleEvaluator evaluator = new RuleEvaluator(rule, new RuleState());
        List<Transition> out = new ArrayList<>();
        double[] values = {80, 95, 99, 120, 91, 85};
        for (int i = 0; i < values.length; i++) evaluator.evaluate(1, i * SECOND, values[i], 7, i, out);
        assertThat(out).extracting(Transition::kind).containsExactly(AlertEvent.Kind.FIRED, AlertEvent.Kind.RESOLVED);
        assertThat(out.get(0).id()).isEqualTo(out.get(1).id()).isEqualTo(evaluator.alertId(1, 7, 1));
        assertThat(out.get(1)).extracting(Transition::resolution, Transition::tsMicros, Transition::value)
                .containsExactly(Alert.CLEARED, 5 * SECOND, 85.0);
        assertThat(evaluator.state().all()).as("nothing part-way is kept").isEmpty();
    }

    @Test
    void valueEqualToTheThresholdDoesNotHold() {
        AlertRule above = rule(90.0, null, null, 1, Duration.ZERO);
        assertThat(run(above, seconds(1, 2), new double[] {90, 90.0001})).containsExactly("-", "FIRE");
        AlertRule outside = rule(null, null, List.of(1.0, 2.0), 1, Duration.ZERO);
        assertThat(run(outside, seconds(1, 2, 3, 4), new double[] {1, 2, 0.5, 2}))
                .containsExactly("-", "-", "FIRE", "RESOLVE");
    }

    @Test
    void sustainNeedsConsecutiveReadingsAndDuration() {
        AlertRule rule = rule(null, 10.0, null, 3, Duration.ofSeconds(60));
        // three readings below 10, but only 30 s apart first to last; a fourth makes it 60 s
        assertThat(run(rule, seconds(0, 15, 30, 60, 61), new double[] {5, 5, 5, 5, 11}))
                .containsExactly("-", "-", "-", "FIRE", "RESOLVE");
        // a reading that breaks the run starts the count again
        assertThat(run(rule, seconds(0, 60, 61, 120, 180, 181), new double[] {5, 5, 20, 5, 5, 5}))
                .containsExactly("-", "-", "-", "-", "-", "FIRE");
    }

    @Test
    void lateReadingIsIgnoredWhilePartWay() {
        AlertRule rule = rule(90.0, null, null, 1, Duration.ZERO);
        assertThat(run(rule, seconds(10, 5, 11), new double[] {95, 10, 95})).containsExactly("FIRE", "-", "-");
    }

    @Test
    void aRuleWithTagsWatchesOnlySeriesWhoseTagsContainThem() {
        AlertRule rule = AlertRule.of(new AlertRuleConfig("db-idle", "cpu", "usage_idle", null, 10.0, null, null,
                null, null, null, Map.of("role", "db")));
        RuleEvaluator evaluator = new RuleEvaluator(rule, new RuleState());
        Tags db1 = Tags.of(Map.of("host", "db-1", "role", "db"));
        FeedEntry row = FeedEntry.readings(3, new int[] {1, 2, 3, 4},
                new SeriesKey[] {new SeriesKey("cpu", "usage_idle", Tags.of(Map.of("host", "web-1", "role", "web"))),
                        new SeriesKey("cpu", "usage_idle"), new SeriesKey("cpu", "usage_idle", db1),
                        new SeriesKey("cpu", "usage_user", db1)},
                new long[] {1, 1, 1, 1}, new double[] {2, 2, 2, 2});
        List<Transition> out = new ArrayList<>();
        evaluator.evaluate(row, out);
        assertThat(out).singleElement().satisfies(t -> {
            assertThat(t.seriesId()).isEqualTo(3);
            assertThat(t.id()).isEqualTo(evaluator.alertId(3, 3, 2));
        });
    }

    @Test
    void aRuleWithABadTagIsAConfigurationError() {
        assertThatThrownBy(() -> AlertRule.of(new AlertRuleConfig("bad", "cpu", "x", 1.0, null, null, null, null,
                null, null, Map.of("host", "")))).isInstanceOf(InvalidConfigException.class)
                .hasMessage("alerts.rules 'bad'.tags: value of tag 'host' must not be empty");
    }

    @Test
    void alertIdsDependOnRuleSeriesAndPosition() {
        RuleEvaluator a = new RuleEvaluator(rule(1.0, null, null, 1, Duration.ZERO), new RuleState());
        RuleEvaluator b = new RuleEvaluator(named("other", rule(1.0, null, null, 1, Duration.ZERO)), new RuleState());
        assertThat(a.alertId(1, 2, 3)).isEqualTo(a.alertId(1, 2, 3))
                .isNotEqualTo(a.alertId(2, 2, 3)).isNotEqualTo(a.alertId(1, 3, 3)).isNotEqualTo(a.alertId(1, 2, 4))
                .isNotEqualTo(b.alertId(1, 2, 3));
    }

    @Test
    void theFingerprintChangesWithTheDefinitionOnly() {
        AlertRule r = rule(90.0, null, null, 3, Duration.ofSeconds(10));
        assertThat(rule(90.0, null, null, 3, Duration.ofSeconds(10)).fingerprint()).isEqualTo(r.fingerprint());
        assertThat(rule(91.0, null, null, 3, Duration.ofSeconds(10)).fingerprint()).isNotEqualTo(r.fingerprint());
        assertThat(rule(90.0, null, null, 2, Duration.ofSeconds(10)).fingerprint()).isNotEqualTo(r.fingerprint());
        assertThat(rule(90.0, null, null, 3, Duration.ofSeconds(11)).fingerprint()).isNotEqualTo(r.fingerprint());
    }

    /**
     * What makes a takeover exact: evaluating a sequence in one go equals evaluating a prefix, checkpointing the state
     * (encode, decode) and evaluating the rest from it, transition for transition, ids included.
     */
    @Test
    void aCheckpointedStateGoesOnExactlyAsTheOriginal(Random random) {
        for (int n = 0; n < 2_000; n++) {
            AlertRule rule = randomRule(random);
            int length = random.nextInt(60);
            int[] series = new int[length];
            long[] ts = new long[length];
            double[] values = new double[length];
            randomReadings(random, series, ts, values);
            List<Transition> whole = new ArrayList<>();
            RuleEvaluator one = new RuleEvaluator(rule, new RuleState());
            for (int i = 0; i < length; i++) one.evaluate(series[i], ts[i], values[i], i / 4 + 1, i % 4, whole);
            int cut = length == 0 ? 0 : random.nextInt(length + 1);
            List<Transition> split = new ArrayList<>();
            RuleEvaluator before = new RuleEvaluator(rule, new RuleState());
            for (int i = 0; i < cut; i++) before.evaluate(series[i], ts[i], values[i], i / 4 + 1, i % 4, split);
            RuleEvaluator after = new RuleEvaluator(rule, RuleState.decode(before.state().encode()));
            for (int i = cut; i < length; i++) after.evaluate(series[i], ts[i], values[i], i / 4 + 1, i % 4, split);
            assertThat(split).as("case %d cut at %d: %s over %s %s %s", n, cut, rule, Arrays.toString(series),
                    Arrays.toString(ts), Arrays.toString(values)).isEqualTo(whole);
        }
    }

    @Test
    void aStateRoundTripsAndABrokenCheckpointIsRefused(Random random) {
        RuleState state = new RuleState();
        for (int i = 0; i < 100; i++) {
            state.put(random.nextInt(1_000_000), new RuleProgress(random.nextInt(5), random.nextLong(),
                    random.nextLong(), random.nextBoolean() ? UUID.randomUUID() : null));
        }
        byte[] encoded = state.encode();
        RuleState decoded = RuleState.decode(encoded);
        assertThat(decoded.all()).hasSameSizeAs(state.all());
        state.all().forEach((id, p) -> assertThat(decoded.get(id)).usingRecursiveComparison().isEqualTo(p));
        assertThatThrownBy(() -> RuleState.decode(Arrays.copyOf(encoded, encoded.length - 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RuleState.decode(new byte[] {0, 0, 0, 9, 0, 0, 0, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 9");
    }

    /**
     * The incremental evaluation against a model that recomputes from the history of one series: the readings since
     * the last accepted reading where the condition did not hold form the current run; a reading older than the newest
     * of the run is late and dropped; the rule is firing iff the condition holds and the run is at least forReadings
     * long and spans at least forDuration. Events are the changes of that.
     */
    @Test
    void agreesWithTheFromHistoryModelOnRandomSequences(Random random) {
        for (int n = 0; n < 5_000; n++) {
            AlertRule rule = randomRule(random);
            int length = random.nextInt(40);
            long[] ts = new long[length];
            double[] values = new double[length];
            long t = 0;
            for (int i = 0; i < length; i++) {
                t += (random.nextInt(10) - 1) * 5 * SECOND; // sometimes equal, sometimes late
                ts[i] = t;
                values[i] = random.nextInt(5) == 0 ? new double[] {40, 50, 60}[random.nextInt(3)] : random.nextInt(100);
            }
            assertThat(run(rule, ts, values)).as("case %d: %s over ts %s values %s", n, rule, Arrays.toString(ts),
                    Arrays.toString(values)).isEqualTo(model(rule, ts, values));
        }
    }

    private static List<String> model(AlertRule rule, long[] ts, double[] values) {
        List<String> events = new ArrayList<>();
        List<Long> run = new ArrayList<>();
        boolean wasFiring = false;
        for (int i = 0; i < ts.length; i++) {
            if (!run.isEmpty() && ts[i] < run.get(run.size() - 1)) {
                events.add("-");
                continue;
            }
            boolean firing = false;
            if (rule.condition().holds(values[i])) {
                run.add(ts[i]);
                firing = run.size() >= rule.forReadings() && ts[i] - run.get(0) >= rule.forMicros();
            } else {
                run.clear();
            }
            events.add(firing && !wasFiring ? "FIRE" : !firing && wasFiring ? "RESOLVE" : "-");
            wasFiring = firing;
        }
        return events;
    }

    /** Feeds the readings of one series to the rule; per reading, FIRE, RESOLVE or -. */
    private static List<String> run(AlertRule rule, long[] ts, double[] values) {
        RuleEvaluator evaluator = new RuleEvaluator(rule, new RuleState());
        List<Transition> out = new ArrayList<>();
        List<String> events = new ArrayList<>();
        for (int i = 0; i < ts.length; i++) {
            int before = out.size();
            evaluator.evaluate(1, ts[i], values[i], i + 1, 0, out);
            assertThat(out.size() - before).as("at most one event per reading").isLessThanOrEqualTo(1);
            events.add(out.size() == before ? "-" : out.get(before).kind() == AlertEvent.Kind.FIRED ? "FIRE"
                    : "RESOLVE");
        }
        return events;
    }

    private static void randomReadings(Random random, int[] series, long[] ts, double[] values) {
        long[] newest = new long[3];
        for (int i = 0; i < series.length; i++) {
            series[i] = 1 + random.nextInt(3);
            newest[series[i] - 1] += (random.nextInt(10) - 1) * 5 * SECOND;
            ts[i] = newest[series[i] - 1];
            values[i] = random.nextInt(100);
        }
    }

    private static AlertRule randomRule(Random random) {
        Duration sustain = Duration.ofSeconds(random.nextInt(4) * 10);
        return switch (random.nextInt(3)) {
            case 0 -> rule(50.0, null, null, 1 + random.nextInt(4), sustain);
            case 1 -> rule(null, 50.0, null, 1 + random.nextInt(4), sustain);
            default -> rule(null, null, List.of(40.0, 60.0), 1 + random.nextInt(4), sustain);
        };
    }

    private static AlertRule named(String name, AlertRule r) {
        return new AlertRule(name, r.sensor(), r.metric(), r.tags(), r.condition(), r.forReadings(), r.forMicros(),
                r.severity(), r.message());
    }

    private static long[] seconds(long... seconds) {
        return Arrays.stream(seconds).map(s -> s * SECOND).toArray();
    }

    static AlertRule rule(Double above, Double below, List<Double> outside, int forReadings, Duration forDuration) {
        return AlertRule.of(new AlertRuleConfig("r", "*", "*", above, below, outside, forReadings, forDuration, null,
                null, null));
    }
}
