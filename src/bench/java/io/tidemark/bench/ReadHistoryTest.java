package io.tidemark.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReadHistoryTest {
    private static final long T0 = 1_796_000_000_000L;
    private final ReadHistory history = new ReadHistory(10_000_000);

    @Test
    void tenMillionADayIsAReadingEvery8640MillisecondsPerSeries() {
        assertThat(history.stepMillis).isEqualTo(8640);
        assertThat(history.phaseMillis).isEqualTo(8);
        assertThat(new ReadHistory(1_000_000).stepMillis).isEqualTo(86_400);
    }

    @Test
    void everySeriesHasTheSameNumberOfReadingsInADay() {
        for (int s : new int[] {0, 1, ReadHistory.QUERIED, ReadHistory.SERIES - 1}) {
            assertThat(history.aggregate(s, T0 + 17, T0 + 17 + ReadHistory.DAY_MILLIS).count()).isEqualTo(10_000);
        }
        assertThat(history.readings(T0, T0 + ReadHistory.DAY_MILLIS)).isEqualTo(10_000_000);
    }

    @Test
    void forEachGivesEveryReadingOfTheRangeOnceInTimeOrder() {
        long from = T0 + 5;
        long to = from + 3 * history.stepMillis + 100;
        List<Long> times = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        history.forEach(from, to, (s, t, v) -> {
            times.add(t);
            assertThat(seen.add(s + "@" + t)).isTrue();
            assertThat(v).isEqualTo(ReadHistory.value(s, t));
        });
        assertThat(times).isSorted().allMatch(t -> t >= from && t < to);
        assertThat((long) times.size()).isEqualTo(history.readings(from, to));
    }

    @Test
    void firstAndLastReadingAroundAnInstant() {
        int s = ReadHistory.QUERIED;
        long t = history.firstAtOrAfter(s, T0);
        assertThat(t).isBetween(T0, T0 + history.stepMillis - 1);
        assertThat(Math.floorMod(t - s * history.phaseMillis, history.stepMillis)).isZero();
        assertThat(history.firstAtOrAfter(s, t)).isEqualTo(t);
        assertThat(history.lastBefore(s, t)).isEqualTo(t - history.stepMillis);
        assertThat(history.lastBefore(s, t + 1)).isEqualTo(t);
    }

    @Test
    void theQueriedSeriesNeverHasAReadingOnAWholeMinute() {
        // so that a bucket [start, end) and VictoriaMetrics' window (start, end] hold the same readings
        for (ReadHistory h : List.of(history, new ReadHistory(1_000_000))) {
            long n = 0;
            for (long t = h.firstAtOrAfter(ReadHistory.QUERIED, T0); n < 100_000; t += h.stepMillis, n++) {
                assertThat(t % 60_000).isNotZero();
            }
        }
    }

    @Test
    void aggregateAgreesWithTheReadings() {
        long from = T0;
        long to = T0 + 60_000;
        double[] sum = {0};
        long[] n = {0};
        history.forEach(from, to, (s, t, v) -> {
            if (s == 7) {
                sum[0] += v;
                n[0]++;
            }
        });
        ReadHistory.Aggregate a = history.aggregate(7, from, to);
        assertThat(a.count()).isEqualTo(n[0]).isBetween(6L, 7L);
        assertThat(a.sum()).isEqualTo(sum[0]);
        assertThat(a.min()).isLessThanOrEqualTo(a.avg()).isGreaterThanOrEqualTo(0);
        assertThat(a.max()).isGreaterThanOrEqualTo(a.avg()).isLessThan(100);
        assertThat(history.aggregate(7, from, from).count()).isZero();
    }

    @Test
    void valuesAreHundredthsThatVaryWithSeriesAndTime() {
        double v = ReadHistory.value(3, T0);
        assertThat(Math.round(v * 100) / 100.0).isEqualTo(v);
        assertThat(ReadHistory.value(3, T0)).isEqualTo(v);
        Set<Double> distinct = new HashSet<>();
        for (int i = 0; i < 100; i++) distinct.add(ReadHistory.value(i % 10, T0 + i / 10));
        assertThat(distinct.size()).isGreaterThan(90);
    }

    @Test
    void refusesADensityThatDoesNotDivideTheDay() {
        assertThatThrownBy(() -> new ReadHistory(7_000_001)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("7000001");
    }

    @Test
    void lineProtocolAndJsonCarryTheSeriesNames() {
        StringBuilder line = new StringBuilder();
        ReadHistory.lineProtocol(line, ReadHistory.QUERIED, T0, 12.5);
        assertThat(line).hasToString("temperature,sensor=sensor-0123 value=12.5 " + T0 + "\n");
        StringBuilder json = new StringBuilder("[");
        ReadHistory.json(json, 1, T0, 3.25);
        ReadHistory.json(json, 2, T0, 4.0);
        assertThat(json.append(']').toString()).isEqualTo("[{\"sensor\":\"sensor-0000\",\"metric\":\"humidity\","
                + "\"ts\":\"2026-11-30T00:53:20Z\",\"value\":3.25},{\"sensor\":\"sensor-0000\",\"metric\":\"pressure\","
                + "\"ts\":\"2026-11-30T00:53:20Z\",\"value\":4.0}]");
    }
}
