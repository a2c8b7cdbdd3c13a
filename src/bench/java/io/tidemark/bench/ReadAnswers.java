package io.tidemark.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the read figure's answers say, in one shape per kind of query whoever answered (Tidemark's JSON, InfluxDB's
 * JSON, VictoriaMetrics' JSON), and the checks of that against {@link ReadHistory}: a query that answers nothing, or
 * the wrong thing, fails the figure instead of being reported as fast.
 */
final class ReadAnswers {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Values are sums of hundredths: any two correct computations agree far closer than this. */
    private static final double TOLERANCE = 1e-6;

    /** A bucket [start, start + width): epoch milliseconds. */
    record Bucket(long start, long count, double avg, double min, double max) {}

    /** A reading: epoch milliseconds (-1 when the answer does not say), value. */
    record Point(long millis, double value) {}

    private ReadAnswers() {}

    /** Tidemark's {@code GET /api/v1/rollups/{width}}: the buckets of its first (only) series. */
    static List<Bucket> tidemarkRollup(String body) {
        List<Bucket> out = new ArrayList<>();
        JsonNode series = tree(body).path("series");
        for (JsonNode b : series.path(0).path("buckets")) {
            out.add(new Bucket(Instant.parse(b.get("start").asText()).toEpochMilli(), b.get("count").asLong(),
                    b.get("avg").asDouble(), b.get("min").asDouble(), b.get("max").asDouble()));
        }
        return out;
    }

    /** InfluxDB's answer (epoch=ms) to {@code SELECT mean, count, min, max ... GROUP BY time(..)}: non-empty groups. */
    static List<Bucket> influxRollup(String body) {
        List<Bucket> out = new ArrayList<>();
        for (JsonNode row : influxSeries(body).path(0).path("values")) {
            if (row.get(2).isNull() || row.get(2).asLong() == 0) continue;
            out.add(new Bucket(row.get(0).asLong(), row.get(2).asLong(), row.get(1).asDouble(), row.get(3).asDouble(),
                    row.get(4).asDouble()));
        }
        return out;
    }

    /**
     * VictoriaMetrics' {@code query_range} of {@code aggr_over_time(("avg_over_time", "count_over_time",
     * "min_over_time", "max_over_time"), m[width])}: a point at T covers (T - width, T], the bucket starting at
     * T - width.
     */
    static List<Bucket> victoriaRollup(String body, long widthMillis) {
        Map<Long, double[]> byTime = new TreeMap<>();
        List<String> order = List.of("avg_over_time", "count_over_time", "min_over_time", "max_over_time");
        for (JsonNode series : victoriaResult(body)) {
            int field = order.indexOf(series.path("metric").path("rollup").asText());
            if (field < 0) throw new IllegalStateException("a series without a known rollup label: " + series);
            for (JsonNode p : series.path("values")) {
                long start = Math.round(p.get(0).asDouble() * 1000) - widthMillis;
                byTime.computeIfAbsent(start, t -> new double[] {Double.NaN, 0, Double.NaN, Double.NaN})[field] =
                        Double.parseDouble(p.get(1).asText());
            }
        }
        List<Bucket> out = new ArrayList<>();
        byTime.forEach((start, f) -> {
            if (f[1] > 0) out.add(new Bucket(start, (long) f[1], f[0], f[2], f[3]));
        });
        return out;
    }

    /** Tidemark's {@code GET /api/v1/readings}. */
    static List<Point> tidemarkReadings(String body) {
        List<Point> out = new ArrayList<>();
        for (JsonNode r : tree(body).path("readings")) {
            out.add(new Point(Instant.parse(r.get("ts").asText()).toEpochMilli(), r.get("value").asDouble()));
        }
        return out;
    }

    /** InfluxDB's answer (epoch=ms) to {@code SELECT value ...}. */
    static List<Point> influxReadings(String body) {
        List<Point> out = new ArrayList<>();
        for (JsonNode row : influxSeries(body).path(0).path("values")) {
            out.add(new Point(row.get(0).asLong(), row.get(1).asDouble()));
        }
        return out;
    }

    /** VictoriaMetrics' {@code /api/v1/export} of one series: one JSON line. */
    static List<Point> victoriaExport(String body) {
        List<Point> out = new ArrayList<>();
        String line = body.strip();
        if (line.isEmpty()) return out;
        if (line.indexOf('\n') >= 0) throw new IllegalStateException("more than one series exported");
        JsonNode series = tree(line);
        JsonNode values = series.path("values");
        JsonNode times = series.path("timestamps");
        for (int i = 0; i < times.size(); i++) out.add(new Point(times.get(i).asLong(), values.get(i).asDouble()));
        return out;
    }

    /** Tidemark's latest values: every object holding sensor, metric and value, wherever it is in the answer. */
    static Map<String, Point> tidemarkLatest(String body) {
        Map<String, Point> out = new TreeMap<>();
        collectLatest(tree(body), out);
        return out;
    }

    private static void collectLatest(JsonNode node, Map<String, Point> out) {
        if (node.isObject() && node.has("sensor") && node.has("metric") && node.has("value")) {
            long millis = node.has("ts") ? Instant.parse(node.get("ts").asText()).toEpochMilli() : -1;
            out.put(node.get("sensor").asText() + "/" + node.get("metric").asText(),
                    new Point(millis, node.get("value").asDouble()));
        }
        for (JsonNode child : node) collectLatest(child, out);
    }

    /** InfluxDB's answer (epoch=ms) to {@code SELECT last(value) FROM <every metric> ... GROUP BY sensor}. */
    static Map<String, Point> influxLatest(String body) {
        Map<String, Point> out = new TreeMap<>();
        for (JsonNode series : influxSeries(body)) {
            JsonNode row = series.path("values").path(0);
            out.put(series.path("tags").path("sensor").asText() + "/" + series.path("name").asText(),
                    new Point(row.get(0).asLong(), row.get(1).asDouble()));
        }
        return out;
    }

    /** VictoriaMetrics' instant query {@code last_over_time(...)}: the value only (its time is the query's). */
    static Map<String, Point> victoriaLatest(String body) {
        Map<String, Point> out = new TreeMap<>();
        for (JsonNode series : victoriaResult(body)) {
            String name = series.path("metric").path("__name__").asText();
            String metric = name.endsWith("_value") ? name.substring(0, name.length() - "_value".length()) : name;
            out.put(series.path("metric").path("sensor").asText() + "/" + metric,
                    new Point(-1, Double.parseDouble(series.path("value").get(1).asText())));
        }
        return out;
    }

    /**
     * Checks rollup buckets of {@link ReadHistory#QUERIED}: about as many non-empty buckets as {@code [from, to)}
     * holds (at least half: sparse histories leave minutes empty), and the bucket starting at {@code checked}
     * exactly as the history has it (absent when it holds no reading).
     */
    static void checkBuckets(String what, List<Bucket> buckets, ReadHistory history, long from, long to, long width,
            long checked) {
        long whole = (to - from) / width;
        long withData = buckets.stream().filter(b -> b.count() > 0).count();
        if (withData < whole / 2 || buckets.size() > whole + 2) {
            throw new IllegalStateException(what + ": " + buckets.size() + " buckets (" + withData
                    + " with readings) for " + whole + " of " + width + " ms");
        }
        ReadHistory.Aggregate want = history.aggregate(ReadHistory.QUERIED, checked, checked + width);
        Bucket got = buckets.stream().filter(b -> b.start() == checked).findFirst().orElse(null);
        if (want.count() == 0 ? got != null && got.count() > 0 : got == null || got.count() != want.count()
                || !close(got.avg(), want.avg()) || !close(got.min(), want.min()) || !close(got.max(), want.max())) {
            throw new IllegalStateException(what + ": bucket " + Instant.ofEpochMilli(checked) + " is " + got
                    + ", the history has " + want);
        }
    }

    /** Checks the raw readings of {@link ReadHistory#QUERIED} in [from, to): all of them, oldest first, exact. */
    static void checkReadings(String what, List<Point> points, ReadHistory history, long from, long to) {
        long want = history.aggregate(ReadHistory.QUERIED, from, to).count();
        long first = history.firstAtOrAfter(ReadHistory.QUERIED, from);
        if (points.size() != want) {
            throw new IllegalStateException(what + ": " + points.size() + " readings, the history has " + want);
        }
        for (int i : new int[] {0, points.size() / 2, points.size() - 1}) {
            long t = first + i * history.stepMillis;
            Point p = points.get(i);
            if (p.millis() != t || !close(p.value(), ReadHistory.value(ReadHistory.QUERIED, t))) {
                throw new IllegalStateException(what + ": reading " + i + " is " + p + ", the history has " + t + " "
                        + ReadHistory.value(ReadHistory.QUERIED, t));
            }
        }
    }

    /**
     * Checks latest values: one for every series, and {@link ReadHistory#QUERIED}'s the value of its reading at the
     * time given, or (when the answer gives none) of one of its last {@code recent} readings before {@code newest}.
     */
    static void checkLatest(String what, Map<String, Point> latest, ReadHistory history, long newest, int recent) {
        if (latest.size() != ReadHistory.SERIES) {
            throw new IllegalStateException(what + ": " + latest.size() + " series, not " + ReadHistory.SERIES);
        }
        int s = ReadHistory.QUERIED;
        Point p = latest.get(Workload.sensor(s) + "/" + Workload.metric(s));
        boolean found = false;
        long t = history.lastBefore(s, newest);
        for (int i = 0; i < recent && !found && p != null; i++, t -= history.stepMillis) {
            found = (p.millis() < 0 || p.millis() == t) && close(p.value(), ReadHistory.value(s, t));
        }
        if (!found) {
            throw new IllegalStateException(what + ": " + Workload.sensor(s) + "/" + Workload.metric(s) + " is " + p
                    + ", not one of its last " + recent + " readings before " + Instant.ofEpochMilli(newest));
        }
    }

    private static boolean close(double a, double b) {
        return Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.abs(b));
    }

    private static JsonNode influxSeries(String body) {
        JsonNode result = tree(body).path("results").path(0);
        if (result.has("error")) throw new IllegalStateException("InfluxDB: " + result.get("error").asText());
        if (result.path("partial").asBoolean()) throw new IllegalStateException("InfluxDB answered in part");
        return result.path("series");
    }

    private static JsonNode victoriaResult(String body) {
        JsonNode root = tree(body);
        if (!"success".equals(root.path("status").asText())) {
            throw new IllegalStateException("VictoriaMetrics: " + body);
        }
        return root.path("data").path("result");
    }

    private static JsonNode tree(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("an answer that is not JSON: "
                    + body.substring(0, Math.min(200, body.length())), e);
        }
    }
}
