package io.tidemark.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ReadAnswersTest {
    private static final long MINUTE = 60_000;
    /** A whole hour. */
    private static final long T0 = 1_796_000_400_000L;
    private static final int S = ReadHistory.QUERIED;
    private final ReadHistory history = new ReadHistory(10_000_000);

    private ReadAnswers.Bucket bucket(long start) {
        ReadHistory.Aggregate a = history.aggregate(S, start, start + MINUTE);
        return new ReadAnswers.Bucket(start, a.count(), a.avg(), a.min(), a.max());
    }

    private List<ReadAnswers.Bucket> hour() {
        List<ReadAnswers.Bucket> out = new ArrayList<>();
        for (long b = T0; b < T0 + 60 * MINUTE; b += MINUTE) out.add(bucket(b));
        return out;
    }

    @Test
    void acceptsTheBucketsOfTheHistory() {
        assertThatCode(() -> ReadAnswers.checkBuckets("x", hour(), history, T0, T0 + 60 * MINUTE, MINUTE,
                T0 + 30 * MINUTE)).doesNotThrowAnyException();
    }

    @Test
    void refusesAnEmptyAnswer() {
        assertThatThrownBy(() -> ReadAnswers.checkBuckets("Tidemark SQL", List.of(), history, T0, T0 + 60 * MINUTE,
                MINUTE, T0 + 30 * MINUTE)).hasMessageContaining("Tidemark SQL: 0 buckets");
    }

    @Test
    void refusesABucketThatDiffersFromTheHistory() {
        List<ReadAnswers.Bucket> buckets = hour();
        ReadAnswers.Bucket b = buckets.get(30);
        buckets.set(30, new ReadAnswers.Bucket(b.start(), b.count() - 1, b.avg(), b.min(), b.max()));
        assertThatThrownBy(() -> ReadAnswers.checkBuckets("x", buckets, history, T0, T0 + 60 * MINUTE, MINUTE,
                T0 + 30 * MINUTE)).hasMessageContaining("bucket " + Instant.ofEpochMilli(T0 + 30 * MINUTE));
        buckets.set(30, new ReadAnswers.Bucket(b.start(), b.count(), b.avg() + 0.01, b.min(), b.max()));
        assertThatThrownBy(() -> ReadAnswers.checkBuckets("x", buckets, history, T0, T0 + 60 * MINUTE, MINUTE,
                T0 + 30 * MINUTE)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void readsTidemarksRollupAnswer() {
        ReadAnswers.Bucket b = bucket(T0);
        String body = "{\"rollup\":\"rollup_1m\",\"sensor\":\"sensor-0123\",\"series\":[{\"sensor\":\"sensor-0123\","
                + "\"metric\":\"temperature\",\"buckets\":[{\"start\":\"" + Instant.ofEpochMilli(T0) + "\",\"count\":"
                + b.count() + ",\"sum\":1,\"min\":" + b.min() + ",\"max\":" + b.max() + ",\"avg\":" + b.avg() + "}]}]}";
        assertThat(ReadAnswers.tidemarkRollup(body)).containsExactly(b);
    }

    @Test
    void readsInfluxGroupsSkippingEmptyOnes() {
        String body = "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"temperature\",\"columns\":[\"time\","
                + "\"mean\",\"count\",\"min\",\"max\"],\"values\":[[" + T0 + ",null,null,null,null],[" + (T0 + MINUTE)
                + ",2.5,2,1,4],[" + (T0 + 2 * MINUTE) + ",null,0,null,null]]}]}]}";
        assertThat(ReadAnswers.influxRollup(body)).containsExactly(new ReadAnswers.Bucket(T0 + MINUTE, 2, 2.5, 1, 4));
    }

    @Test
    void refusesAnInfluxError() {
        assertThatThrownBy(() -> ReadAnswers.influxRollup("{\"results\":[{\"statement_id\":0,\"error\":\"boom\"}]}"))
                .hasMessageContaining("boom");
    }

    @Test
    void joinsVictoriaMetricsRollupsByTimeAndShiftsThemToTheBucketStart() {
        long end = (T0 + MINUTE) / 1000;
        String body = "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
                + "{\"metric\":{\"rollup\":\"avg_over_time\"},\"values\":[[" + end + ",\"2.5\"]]},"
                + "{\"metric\":{\"rollup\":\"count_over_time\"},\"values\":[[" + end + ",\"2\"]]},"
                + "{\"metric\":{\"rollup\":\"min_over_time\"},\"values\":[[" + end + ",\"1\"]]},"
                + "{\"metric\":{\"rollup\":\"max_over_time\"},\"values\":[[" + end + ",\"4\"]]}]}}";
        assertThat(ReadAnswers.victoriaRollup(body, MINUTE)).containsExactly(new ReadAnswers.Bucket(T0, 2, 2.5, 1, 4));
    }

    @Test
    void checksEveryRawReadingIsThere() {
        long from = T0;
        long to = T0 + 10 * MINUTE;
        List<ReadAnswers.Point> points = new ArrayList<>();
        history.forEach(from, to, (s, t, v) -> {
            if (s == S) points.add(new ReadAnswers.Point(t, v));
        });
        assertThatCode(() -> ReadAnswers.checkReadings("x", points, history, from, to)).doesNotThrowAnyException();
        List<ReadAnswers.Point> missing = new ArrayList<>(points.subList(1, points.size()));
        assertThatThrownBy(() -> ReadAnswers.checkReadings("x", missing, history, from, to))
                .hasMessageContaining(missing.size() + " readings, the history has " + points.size());
        List<ReadAnswers.Point> shifted = new ArrayList<>(points);
        shifted.set(0, new ReadAnswers.Point(points.get(0).millis(), points.get(0).value() + 1));
        assertThatThrownBy(() -> ReadAnswers.checkReadings("x", shifted, history, from, to))
                .hasMessageContaining("reading 0");
    }

    @Test
    void readsVictoriaMetricsExportAndTidemarkReadings() {
        String export = "{\"metric\":{\"__name__\":\"temperature_value\",\"sensor\":\"sensor-0123\"},"
                + "\"values\":[1.5,2],\"timestamps\":[" + T0 + "," + (T0 + 1) + "]}\n";
        assertThat(ReadAnswers.victoriaExport(export)).containsExactly(new ReadAnswers.Point(T0, 1.5),
                new ReadAnswers.Point(T0 + 1, 2));
        assertThat(ReadAnswers.victoriaExport("")).isEmpty();
        String readings = "{\"sensor\":\"sensor-0123\",\"readings\":[{\"ts\":\"" + Instant.ofEpochMilli(T0)
                + "\",\"value\":1.5}],\"truncated\":false}";
        assertThat(ReadAnswers.tidemarkReadings(readings)).containsExactly(new ReadAnswers.Point(T0, 1.5));
    }

    private Map<String, ReadAnswers.Point> latest(long newest, boolean withTime) {
        Map<String, ReadAnswers.Point> out = new TreeMap<>();
        for (int s = 0; s < ReadHistory.SERIES; s++) {
            long t = history.lastBefore(s, newest);
            out.put(Workload.sensor(s) + "/" + Workload.metric(s),
                    new ReadAnswers.Point(withTime ? t : -1, ReadHistory.value(s, t)));
        }
        return out;
    }

    @Test
    void checksTheLatestValueOfEverySeries() {
        long newest = T0 + 12_345;
        assertThatCode(() -> ReadAnswers.checkLatest("x", latest(newest, true), history, newest, 1))
                .doesNotThrowAnyException();
        assertThatCode(() -> ReadAnswers.checkLatest("x", latest(newest - 3 * history.stepMillis, false), history,
                newest, 10)).doesNotThrowAnyException();
        assertThatThrownBy(() -> ReadAnswers.checkLatest("x", latest(newest - history.stepMillis, true), history,
                newest, 1)).hasMessageContaining("sensor-0123/temperature");
        Map<String, ReadAnswers.Point> fewer = latest(newest, true);
        fewer.remove("sensor-0000/humidity");
        assertThatThrownBy(() -> ReadAnswers.checkLatest("x", fewer, history, newest, 1))
                .hasMessageContaining("999 series");
    }

    @Test
    void readsLatestAnswersOfEachParty() {
        String influx = "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"temperature\",\"tags\":{\"sensor\":"
                + "\"sensor-0123\"},\"columns\":[\"time\",\"last\"],\"values\":[[" + T0 + ",1.5]]}]}]}";
        assertThat(ReadAnswers.influxLatest(influx)).containsEntry("sensor-0123/temperature",
                new ReadAnswers.Point(T0, 1.5));
        String victoria = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":"
                + "{\"__name__\":\"temperature_value\",\"sensor\":\"sensor-0123\"},\"value\":[1796000400,\"1.5\"]}]}}";
        assertThat(ReadAnswers.victoriaLatest(victoria)).containsEntry("sensor-0123/temperature",
                new ReadAnswers.Point(-1, 1.5));
        String tidemark = "{\"series\":[{\"sensor\":\"sensor-0123\",\"metric\":\"temperature\",\"tags\":{},\"ts\":\""
                + Instant.ofEpochMilli(T0) + "\",\"value\":1.5}],\"next\":null}";
        assertThat(ReadAnswers.tidemarkLatest(tidemark)).containsExactly(
                Map.entry("sensor-0123/temperature", new ReadAnswers.Point(T0, 1.5)));
    }
}
