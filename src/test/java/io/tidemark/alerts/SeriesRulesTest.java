package io.tidemark.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.config.AlertRuleConfig;
import io.tidemark.names.Tags;
import io.tidemark.testing.RandomSeed;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RandomSeed.class)
class SeriesRulesTest {
    private static final long SECOND = 1_000_000L;

    @Test
    void longExcursionFiresOnceAndResolvesOnce() {
        AlertRule rule = rule(90.0, null, null, 1, Duration.ZERO);
        assertThat(run(rule, seconds(1, 2, 3, 4, 5, 6), new double[] {80, 95, 99, 120, 91, 85}))
                .containsExactly("-", "FIRE", "-", "-", "-", "RESOLVE");
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
    void lateReadingIsIgnored() {
        AlertRule rule = rule(90.0, null, null, 1, Duration.ZERO);
        assertThat(run(rule, seconds(10, 5, 11), new double[] {95, 10, 95})).containsExactly("FIRE", "-", "-");
    }

    @Test
    void resumedAlertResolvesAtTheFirstClearingReading() {
        AlertRule rule = rule(90.0, null, null, 3, Duration.ofMinutes(5));
        Recorder recorder = new Recorder();
        SeriesRules series = new SeriesRules(1, "s", "m", Tags.NONE, List.of(rule));
        OpenAlert open = new OpenAlert(UUID.randomUUID(), "warning", "m", 100 * SECOND, 95, Instant.EPOCH);
        assertThat(series.resume("r", open)).isTrue();
        assertThat(series.resume("other", open)).isFalse();
        series.evaluate(99 * SECOND, 10, recorder);
        assertThat(recorder.events).as("older than the firing reading").isEmpty();
        series.evaluate(101 * SECOND, 99, recorder);
        assertThat(recorder.events).as("still holds").isEmpty();
        series.evaluate(102 * SECOND, 10, recorder);
        assertThat(recorder.events).containsExactly("RESOLVE r");
        assertThat(recorder.resolved).containsExactly(open);
    }

    /** Several rules on one series step independently: each agrees with the model run for it alone. */
    @Test
    void rulesOnOneSeriesAreIndependent(Random random) {
        List<AlertRule> rules = List.of(named("a", rule(50.0, null, null, 2, Duration.ZERO)),
                named("b", rule(null, 30.0, null, 1, Duration.ofSeconds(10))),
                named("c", rule(null, null, List.of(20.0, 70.0), 3, Duration.ZERO)));
        long[] ts = new long[500];
        double[] values = new double[500];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = (i == 0 ? 0 : ts[i - 1]) + random.nextInt(6) * SECOND;
            values[i] = random.nextInt(100);
        }
        Recorder recorder = new Recorder();
        SeriesRules series = new SeriesRules(1, "s", "m", Tags.NONE, rules);
        List<String> expected = new ArrayList<>();
        List<List<String>> perRule = rules.stream().map(r -> model(r, ts, values)).toList();
        for (int i = 0; i < ts.length; i++) {
            series.evaluate(ts[i], values[i], recorder);
            for (int r = 0; r < rules.size(); r++) {
                if (!perRule.get(r).get(i).equals("-")) expected.add(perRule.get(r).get(i) + " " + rules.get(r).name());
            }
        }
        assertThat(recorder.events).isEqualTo(expected);
    }

    /**
     * The incremental evaluation against a model that recomputes from the whole history: after reading j (late readings
     * dropped), the rule is firing iff the condition holds at j, and the run of holding readings ending at j is at
     * least forReadings long and spans at least forDuration. Events are the changes of that.
     */
    @Test
    void agreesWithTheFromHistoryModelOnRandomSequences(Random random) {
        for (int n = 0; n < 5_000; n++) {
            AlertRule rule = switch (random.nextInt(3)) {
                case 0 -> rule(50.0, null, null, 1 + random.nextInt(4), Duration.ofSeconds(random.nextInt(4) * 10));
                case 1 -> rule(null, 50.0, null, 1 + random.nextInt(4), Duration.ofSeconds(random.nextInt(4) * 10));
                default -> rule(null, null, List.of(40.0, 60.0), 1 + random.nextInt(4),
                        Duration.ofSeconds(random.nextInt(4) * 10));
            };
            int length = random.nextInt(40);
            long[] ts = new long[length];
            double[] values = new double[length];
            long t = 0;
            for (int i = 0; i < length; i++) {
                t += (random.nextInt(10) - 1) * 5 * SECOND; // sometimes equal, sometimes late
                ts[i] = t;
                values[i] = random.nextInt(5) == 0 ? new double[] {40, 50, 60}[random.nextInt(3)] : random.nextInt(100);
            }
            assertThat(run(rule, ts, values)).as("case %d: %s over ts %s values %s", n, rule,
                    java.util.Arrays.toString(ts), java.util.Arrays.toString(values))
                    .isEqualTo(model(rule, ts, values));
        }
    }

    private static List<String> model(AlertRule rule, long[] ts, double[] values) {
        List<String> events = new ArrayList<>();
        List<Integer> accepted = new ArrayList<>();
        boolean wasFiring = false;
        long newest = Long.MIN_VALUE;
        for (int i = 0; i < ts.length; i++) {
            if (ts[i] < newest) {
                events.add("-");
                continue;
            }
            newest = ts[i];
            accepted.add(i);
            boolean firing = false;
            if (rule.condition().holds(values[i])) {
                int start = accepted.size() - 1;
                while (start > 0 && rule.condition().holds(values[accepted.get(start - 1)])) start--;
                int runLength = accepted.size() - start;
                long span = ts[i] - ts[accepted.get(start)];
                firing = runLength >= rule.forReadings() && span >= rule.forMicros();
            }
            events.add(firing && !wasFiring ? "FIRE" : !firing && wasFiring ? "RESOLVE" : "-");
            wasFiring = firing;
        }
        return events;
    }

    /** Feeds the readings to a series with the one rule; per reading, FIRE, RESOLVE or -. */
    private static List<String> run(AlertRule rule, long[] ts, double[] values) {
        Recorder recorder = new Recorder();
        SeriesRules series = new SeriesRules(1, "s", "m", Tags.NONE, List.of(rule));
        List<String> events = new ArrayList<>();
        for (int i = 0; i < ts.length; i++) {
            int before = recorder.events.size();
            series.evaluate(ts[i], values[i], recorder);
            assertThat(recorder.events.size() - before).as("at most one event per reading").isLessThanOrEqualTo(1);
            events.add(recorder.events.size() == before ? "-" : recorder.events.get(before).split(" ")[0]);
        }
        return events;
    }

    private static final class Recorder implements SeriesRules.Transitions {
        final List<String> events = new ArrayList<>();
        final List<OpenAlert> resolved = new ArrayList<>();

        @Override
        public OpenAlert fired(SeriesRules series, AlertRule rule, long tsMicros, double value) {
            events.add("FIRE " + rule.name());
            return new OpenAlert(UUID.randomUUID(), rule.severity(), rule.message(), tsMicros, value, Instant.EPOCH);
        }

        @Override
        public void resolved(SeriesRules series, AlertRule rule, OpenAlert alert, long tsMicros, double value) {
            events.add("RESOLVE " + rule.name());
            resolved.add(alert);
        }
    }

    private static AlertRule named(String name, AlertRule r) {
        return new AlertRule(name, r.sensor(), r.metric(), r.tags(), r.condition(), r.forReadings(), r.forMicros(),
                r.severity(), r.message());
    }

    private static long[] seconds(long... seconds) {
        return java.util.Arrays.stream(seconds).map(s -> s * SECOND).toArray();
    }

    static AlertRule rule(Double above, Double below, List<Double> outside, int forReadings, Duration forDuration) {
        return AlertRule.of(new AlertRuleConfig("r", "*", "*", above, below, outside, forReadings, forDuration, null,
                null, null));
    }
}
