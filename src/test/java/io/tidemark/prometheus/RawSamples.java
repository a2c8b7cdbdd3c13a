package io.tidemark.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.LongPredicate;

/**
 * Samples per series, each at a timestamp in epoch microseconds (Tidemark's precision; Prometheus' milliseconds times
 * 1000), with every value seen at that timestamp: from Prometheus a single one, from Tidemark as many rows as are
 * stored, so a doubled sample shows. Series are keyed by name and labels (Tidemark: sensor and tags).
 */
final class RawSamples {
    /** A series: its metric name ({@code __name__}, Tidemark's sensor) and its other labels (Tidemark's tags). */
    record Series(String name, SortedMap<String, String> labels) {
        @Override
        public String toString() {
            return name + labels;
        }
    }

    private final Map<Series, SortedMap<Long, List<Double>>> samples = new LinkedHashMap<>();

    void add(Series series, long epochMicros, double value) {
        samples.computeIfAbsent(series, s -> new TreeMap<>()).computeIfAbsent(epochMicros, t -> new ArrayList<>(1))
                .add(value);
    }

    /**
     * The {@code result} of a Prometheus matrix answer: {@code [{"metric": {"__name__": ..., labels}, "values":
     * [[seconds.millis, "value"], ...]}, ...]}. The timestamps must have been read as exact decimals.
     */
    static RawSamples fromMatrix(JsonNode result) {
        RawSamples raw = new RawSamples();
        for (JsonNode series : result) {
            SortedMap<String, String> labels = new TreeMap<>();
            String name = null;
            for (Iterator<Map.Entry<String, JsonNode>> it = series.path("metric").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> label = it.next();
                if (label.getKey().equals("__name__")) {
                    name = label.getValue().asText();
                } else {
                    labels.put(label.getKey(), label.getValue().asText());
                }
            }
            if (name == null) throw new AssertionError("a series without __name__: " + series);
            Series key = new Series(name, labels);
            for (JsonNode pair : series.path("values")) {
                long micros = pair.get(0).decimalValue().movePointRight(6).longValueExact();
                raw.add(key, micros, PrometheusValues.parse(pair.get(1).asText()));
            }
        }
        return raw;
    }

    /** These samples with {@code name=value} added to every series' labels (as Prometheus adds external labels). */
    RawSamples withLabel(String name, String value) {
        RawSamples labelled = new RawSamples();
        samples.forEach((series, points) -> {
            SortedMap<String, String> labels = new TreeMap<>(series.labels());
            labels.put(name, value);
            labelled.samples.put(new Series(series.name(), labels), points);
        });
        return labelled;
    }

    /**
     * The samples whose timestamp passes {@code keep} and whose values are finite (NaN, the staleness marker and
     * infinities are skipped by the receiver, by contract); series left empty are dropped.
     */
    RawSamples finiteWhere(LongPredicate keep) {
        RawSamples kept = new RawSamples();
        samples.forEach((series, points) -> points.forEach((micros, values) -> {
            if (!keep.test(micros)) return;
            for (double value : values) {
                if (Double.isFinite(value)) kept.add(series, micros, value);
            }
        }));
        return kept;
    }

    Map<Series, SortedMap<Long, List<Double>>> bySeries() {
        return samples;
    }

    int seriesCount() {
        return samples.size();
    }

    long sampleCount() {
        return samples.values().stream().flatMap(points -> points.values().stream()).mapToLong(List::size).sum();
    }

    /** The newest timestamp of any sample, or {@code Long.MIN_VALUE} when there is none. */
    long newestMicros() {
        return samples.values().stream().mapToLong(SortedMap::lastKey).max().orElse(Long.MIN_VALUE);
    }

    /**
     * How {@code stored} differs from these (expected) samples, one line each: series missing or extra, samples
     * missing, extra, doubled or of another value. Empty when they are exactly equal.
     */
    List<String> differencesFrom(RawSamples stored) {
        List<String> differences = new ArrayList<>();
        samples.forEach((series, expected) -> {
            SortedMap<Long, List<Double>> actual = stored.samples.getOrDefault(series, new TreeMap<>());
            if (actual.isEmpty()) {
                differences.add("missing series " + series + " (" + expected.size() + " samples)");
                return;
            }
            expected.forEach((micros, values) -> {
                List<Double> got = actual.get(micros);
                if (got == null) {
                    differences.add("missing " + series + " @" + micros + "us = " + values);
                } else if (got.size() != values.size()) {
                    differences.add("stored " + got.size() + " times " + series + " @" + micros + "us = " + got);
                } else if (!got.equals(values)) {
                    differences.add("other value " + series + " @" + micros + "us: stored " + got + ", expected "
                            + values);
                }
            });
            actual.forEach((micros, values) -> {
                if (!expected.containsKey(micros)) {
                    differences.add("extra " + series + " @" + micros + "us = " + values);
                }
            });
        });
        stored.samples.forEach((series, points) -> {
            if (!samples.containsKey(series)) {
                differences.add("extra series " + series + " (" + points.size() + " samples)");
            }
        });
        return differences;
    }
}
