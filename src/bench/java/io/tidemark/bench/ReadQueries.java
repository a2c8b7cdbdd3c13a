package io.tidemark.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The read figure's queries of one {@link ReadStore}, each as each party asks it: Tidemark over SQL (one JDBC
 * connection, statements prepared once) and over HTTP, InfluxQL over InfluxDB's {@code /query}, MetricsQL and the
 * export over VictoriaMetrics' API (its result cache off, {@code nocache=1}: Tidemark and InfluxDB 1.x cache no
 * results). Every answer is checked against {@link ReadHistory} after the clock stops.
 */
final class ReadQueries {
    static final long MINUTE = 60_000L;
    static final long HOUR = 3_600_000L;
    private static final String SERIES_SENSOR = Workload.sensor(ReadHistory.QUERIED);
    private static final String SERIES_METRIC = Workload.metric(ReadHistory.QUERIED);
    private static final String VICTORIA_SERIES = SERIES_METRIC + "_value{sensor=\"" + SERIES_SENSOR + "\"}";
    private static final String EVERY_METRIC = String.join(", ", Workload.METRICS);

    enum Party {
        SQL("Tidemark SQL"), HTTP("Tidemark HTTP"), INFLUX("InfluxDB"), VICTORIA("VictoriaMetrics");

        final String title;

        Party(String title) {
            this.title = title;
        }
    }

    enum Kind {
        LIVE_1H("live rollup of one series, 1 h in 1 min buckets"),
        LIVE_7D("live rollup of one series, 7 d in 1 h buckets"),
        VIEW_1H("plain view `rollup_1m_v` of one series, 1 h"),
        VIEW_7D("plain view `rollup_1h_v` of one series, 7 d"),
        RAW_DAY("raw readings of one series, one day"),
        LATEST("latest value of every series (1000)");

        final String title;

        Kind(String title) {
            this.title = title;
        }
    }

    /** Asks once; returns the check of the answer, to run after the clock has stopped. */
    interface Probe {
        Runnable ask() throws Exception;
    }

    private final ReadStore store;
    private final ReadHistory history;
    private final long dayFrom;
    private final long dayTo;
    private final boolean latestTable;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** @param dayFrom the raw day [dayFrom, dayTo), held by every store */
    ReadQueries(ReadStore store, ReadHistory history, long dayFrom, long dayTo, boolean latestTable) {
        this.store = store;
        this.history = history;
        this.dayFrom = dayFrom;
        this.dayTo = dayTo;
        this.latestTable = latestTable;
    }

    Map<Kind, Map<Party, Probe>> probes() throws SQLException {
        Map<Kind, Map<Party, Probe>> all = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) all.put(k, new EnumMap<>(Party.class));
        rollup(all.get(Kind.LIVE_1H), "1m", "1 hour", "1h", MINUTE, HOUR, 30 * MINUTE);
        rollup(all.get(Kind.LIVE_7D), "1h", "7 days", "7d", HOUR, 7 * 24 * HOUR, 12 * HOUR);
        all.get(Kind.VIEW_1H).put(Party.SQL, sqlBuckets("plain view 1 h", "SELECT bucket, count, avg, min, max"
                + " FROM rollup_1m_v WHERE sensor = ? AND metric = ? AND bucket >= now() - interval '1 hour'"
                + " ORDER BY bucket", MINUTE, HOUR, 30 * MINUTE));
        all.get(Kind.VIEW_7D).put(Party.SQL, sqlBuckets("plain view 7 d", "SELECT bucket, count, avg, min, max"
                + " FROM rollup_1h_v WHERE sensor = ? AND metric = ? AND bucket >= now() - interval '7 days'"
                + " ORDER BY bucket", HOUR, 7 * 24 * HOUR, 12 * HOUR));
        raw(all.get(Kind.RAW_DAY));
        latest(all.get(Kind.LATEST));
        return all;
    }

    /** @param window the window in PostgreSQL's interval syntax, {@code influxWindow} in InfluxQL's */
    private void rollup(Map<Party, Probe> row, String width, String window, String influxWindow, long widthMillis,
            long windowMillis, long checkedAgo) throws SQLException {
        String what = width + " rollup over " + window;
        row.put(Party.SQL, sqlBuckets(what, "SELECT bucket, count, avg, min, max FROM rollup_live('rollup_" + width
                + "', ?, ?, now() - interval '" + window + "', now())", widthMillis, windowMillis, checkedAgo));
        row.put(Party.HTTP, () -> {
            long now = System.currentTimeMillis();
            String body = get(tidemark("/api/v1/rollups/" + width + "?sensor=" + SERIES_SENSOR + "&metric="
                    + SERIES_METRIC + "&from=" + (now - windowMillis) + "&to=" + now), true);
            return () -> checkBuckets("Tidemark HTTP " + what, ReadAnswers.tidemarkRollup(body), now, widthMillis,
                    windowMillis, checkedAgo);
        });
        if (store.influx != null) {
            String q = "SELECT mean(value), count(value), min(value), max(value) FROM " + SERIES_METRIC
                    + " WHERE sensor = '" + SERIES_SENSOR + "' AND time >= now() - " + influxWindow + " GROUP BY time("
                    + width + ")";
            row.put(Party.INFLUX, () -> {
                long now = System.currentTimeMillis();
                String body = get(influx(q), false);
                return () -> checkBuckets("InfluxDB " + what, ReadAnswers.influxRollup(body), now, widthMillis,
                        windowMillis, checkedAgo);
            });
        }
        if (store.victoria != null) {
            String q = "aggr_over_time((\"avg_over_time\", \"count_over_time\", \"min_over_time\","
                    + " \"max_over_time\"), " + VICTORIA_SERIES + "[" + width + "])";
            row.put(Party.VICTORIA, () -> {
                long now = System.currentTimeMillis();
                long end = Math.floorDiv(now, widthMillis) * widthMillis;
                String body = get(victoria("/api/v1/query_range?nocache=1&step=" + widthMillis / 1000 + "&start="
                        + (end - windowMillis) / 1000 + "&end=" + end / 1000 + "&query=" + encode(q)), false);
                return () -> checkBuckets("VictoriaMetrics " + what, ReadAnswers.victoriaRollup(body, widthMillis),
                        now, widthMillis, windowMillis, checkedAgo);
            });
        }
    }

    private Probe sqlBuckets(String what, String query, long widthMillis, long windowMillis, long checkedAgo)
            throws SQLException {
        PreparedStatement s = store.sql.prepareStatement(query);
        s.setString(1, SERIES_SENSOR);
        s.setString(2, SERIES_METRIC);
        return () -> {
            long now = System.currentTimeMillis();
            List<ReadAnswers.Bucket> buckets = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    buckets.add(new ReadAnswers.Bucket(millis(rs, 1), rs.getLong(2), rs.getDouble(3),
                            rs.getDouble(4), rs.getDouble(5)));
                }
            }
            return () -> checkBuckets("Tidemark SQL " + what, buckets, now, widthMillis, windowMillis, checkedAgo);
        };
    }

    private void checkBuckets(String what, List<ReadAnswers.Bucket> buckets, long now, long width, long window,
            long checkedAgo) {
        ReadAnswers.checkBuckets(what + " (" + store.name + ")", buckets, history, Math.max(now - window, store.from),
                now, width, Math.floorDiv(now - checkedAgo, width) * width);
    }

    private void raw(Map<Party, Probe> row) throws SQLException {
        PreparedStatement s = store.sql.prepareStatement(
                "SELECT ts, value FROM readings_v WHERE sensor = ? AND metric = ? AND ts >= ? AND ts < ? ORDER BY ts");
        s.setString(1, SERIES_SENSOR);
        s.setString(2, SERIES_METRIC);
        s.setObject(3, OffsetDateTime.ofInstant(Instant.ofEpochMilli(dayFrom), ZoneOffset.UTC));
        s.setObject(4, OffsetDateTime.ofInstant(Instant.ofEpochMilli(dayTo), ZoneOffset.UTC));
        row.put(Party.SQL, () -> {
            List<ReadAnswers.Point> points = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) points.add(new ReadAnswers.Point(millis(rs, 1), rs.getDouble(2)));
            }
            return () -> checkReadings("Tidemark SQL", points);
        });
        row.put(Party.HTTP, () -> {
            String body = get(tidemark("/api/v1/readings?sensor=" + SERIES_SENSOR + "&metric=" + SERIES_METRIC
                    + "&from=" + dayFrom + "&to=" + dayTo + "&limit=10000"), true);
            return () -> checkReadings("Tidemark HTTP", ReadAnswers.tidemarkReadings(body));
        });
        if (store.influx != null) {
            String q = "SELECT value FROM " + SERIES_METRIC + " WHERE sensor = '" + SERIES_SENSOR + "' AND time >= "
                    + dayFrom + "ms AND time < " + dayTo + "ms";
            row.put(Party.INFLUX, () -> {
                String body = get(influx(q), false);
                return () -> checkReadings("InfluxDB", ReadAnswers.influxReadings(body));
            });
        }
        if (store.victoria != null) {
            // The export's range is closed: [start, end].
            URI export = victoria("/api/v1/export?match%5B%5D=" + encode(VICTORIA_SERIES) + "&start="
                    + Instant.ofEpochMilli(dayFrom) + "&end=" + Instant.ofEpochMilli(dayTo - 1));
            row.put(Party.VICTORIA, () -> {
                String body = get(export, false);
                return () -> checkReadings("VictoriaMetrics", ReadAnswers.victoriaExport(body));
            });
        }
    }

    private void checkReadings(String who, List<ReadAnswers.Point> points) {
        ReadAnswers.checkReadings(who + " raw day (" + store.name + ")", points, history, dayFrom, dayTo);
    }

    /**
     * Tidemark's answer from the table of latest values when it has one, else the best query on readings alone
     * (no index leads by series: the newest hour, DISTINCT ON series); the peers also look back an hour.
     */
    private void latest(Map<Party, Probe> row) throws SQLException {
        PreparedStatement s = store.sql.prepareStatement(latestTable ? "SELECT sensor, metric, ts, value FROM latest_v"
                : """
                SELECT s.sensor, s.metric, l.ts, l.value
                FROM (SELECT DISTINCT ON (series_id) series_id, ts, value FROM readings
                      WHERE ts >= now() - interval '1 hour' ORDER BY series_id, ts DESC) AS l
                JOIN series s ON s.id = l.series_id""");
        row.put(Party.SQL, () -> {
            Map<String, ReadAnswers.Point> latest = new TreeMap<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    latest.put(rs.getString(1) + "/" + rs.getString(2),
                            new ReadAnswers.Point(millis(rs, 3), rs.getDouble(4)));
                }
            }
            return () -> checkLatest("Tidemark SQL", latest, 1);
        });
        if (latestTable) {
            row.put(Party.HTTP, () -> {
                String body = get(tidemark("/api/v1/latest?limit=1000"), true);
                return () -> checkLatest("Tidemark HTTP", ReadAnswers.tidemarkLatest(body), 1);
            });
        }
        if (store.influx != null) {
            String q = "SELECT last(value) FROM " + EVERY_METRIC + " WHERE time >= now() - 1h GROUP BY sensor";
            row.put(Party.INFLUX, () -> {
                String body = get(influx(q), false);
                return () -> checkLatest("InfluxDB", ReadAnswers.influxLatest(body), 1);
            });
        }
        if (store.victoria != null) {
            String q = "last_over_time({__name__=~\"" + String.join("_value|", Workload.METRICS) + "_value\"}[1h])";
            row.put(Party.VICTORIA, () -> {
                String body = get(victoria("/api/v1/query?nocache=1&query=" + encode(q)), false);
                // Its answer has no time; it leaves out the newest 30 s (-search.latencyOffset).
                return () -> checkLatest("VictoriaMetrics", ReadAnswers.victoriaLatest(body), 10);
            });
        }
    }

    private void checkLatest(String who, Map<String, ReadAnswers.Point> latest, int recent) {
        ReadAnswers.checkLatest(who + " latest (" + store.name + ")", latest, history, store.loadedUntil(), recent);
    }

    private String get(URI uri, boolean token) throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5));
        if (token) r.header("Authorization", "Bearer " + TidemarkServer.ADMIN_TOKEN);
        HttpResponse<String> answer = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IOException("GET " + uri + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return answer.body();
    }

    private URI tidemark(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + store.tidemark.port() + pathAndQuery);
    }

    private URI influx(String q) {
        return URI.create("http://127.0.0.1:" + store.influx.port() + "/query?db=" + InfluxServer.DATABASE
                + "&epoch=ms&q=" + encode(q));
    }

    private URI victoria(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + store.victoria.port() + pathAndQuery);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static long millis(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant().toEpochMilli();
    }
}
