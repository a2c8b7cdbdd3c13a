package io.tidemark.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.testing.TestDatabase;
import io.tidemark.testing.TidemarkClient;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** What {@code latest} must hold, computed from {@code readings}, and the checks that it and the endpoint do. */
final class LatestTruth {
    /** One series' row as {@code latest_v} and the endpoint show it. */
    record Row(String series, Instant ts, double value) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private LatestTruth() {}

    /**
     * Every series with readings under {@code prefix} has a row in {@code latest}, at its newest reading's time,
     * with one of the values read at that time; and no other series has one.
     */
    static void assertAgree(TestDatabase database, String prefix) throws Exception {
        Map<String, Instant> newest = new LinkedHashMap<>();
        Map<String, Set<Double>> valuesAtNewest = new LinkedHashMap<>();
        for (Row r : rows(database, "SELECT sensor, metric, tags::text, ts, value FROM readings_v", prefix)) {
            Instant seen = newest.get(r.series());
            if (seen == null || r.ts().isAfter(seen)) {
                newest.put(r.series(), r.ts());
                valuesAtNewest.put(r.series(), new HashSet<>());
            }
            if (r.ts().equals(newest.get(r.series()))) valuesAtNewest.get(r.series()).add(r.value());
        }
        List<Row> latest = latest(database, prefix);
        assertThat(latest).extracting(Row::series).containsExactlyInAnyOrderElementsOf(newest.keySet());
        for (Row row : latest) {
            assertThat(row.ts()).as("newest reading of %s", row.series()).isEqualTo(newest.get(row.series()));
            assertThat(valuesAtNewest.get(row.series())).as("values of %s at %s", row.series(), row.ts())
                    .contains(row.value());
        }
        assertThat(newest).as("readings were written").isNotEmpty();
    }

    /** {@code GET /api/v1/latest} answers the rows of {@code latest_v}, in one page or in pages of 7. */
    static void assertEndpointAgrees(TidemarkClient api, TestDatabase database, String prefix) throws Exception {
        List<Row> expected = latest(database, prefix);
        String filter = "sensor=" + prefix + "*";
        List<Row> whole = page(TidemarkClient.json(api.get("/api/v1/latest?limit=1000&" + filter)), null);
        assertThat(whole).containsExactlyInAnyOrderElementsOf(expected);
        List<Row> paged = new ArrayList<>();
        String after = "";
        do {
            JsonNode answer = TidemarkClient.json(api.get("/api/v1/latest?limit=7&" + filter + after));
            after = answer.get("next").isNull() ? null : "&after=" + answer.get("next").asText();
            page(answer, paged);
        } while (after != null);
        assertThat(paged).as("pages of 7").containsExactlyElementsOf(whole);
    }

    private static List<Row> page(JsonNode answer, List<Row> into) {
        List<Row> rows = into == null ? new ArrayList<>() : into;
        for (JsonNode s : answer.get("series")) {
            rows.add(new Row(s.get("sensor").asText() + "|" + s.get("metric").asText() + "|" + tags(s.get("tags")),
                    Instant.parse(s.get("ts").asText()), s.get("value").asDouble()));
        }
        return rows;
    }

    private static List<Row> latest(TestDatabase database, String prefix) throws Exception {
        return rows(database, "SELECT sensor, metric, tags::text, ts, value FROM latest_v", prefix);
    }

    private static List<Row> rows(TestDatabase database, String select, String prefix)
            throws SQLException, JsonProcessingException {
        try (Connection c = database.connect();
                PreparedStatement s = c.prepareStatement(select + " WHERE starts_with(sensor, ?)")) {
            s.setString(1, prefix);
            try (ResultSet rs = s.executeQuery()) {
                List<Row> rows = new ArrayList<>();
                while (rs.next()) {
                    String tags = tags(JSON.readTree(rs.getString(3)));
                    String series = rs.getString(1) + "|" + rs.getString(2) + "|" + tags;
                    rows.add(new Row(series,
                            rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getDouble(5)));
                }
                return rows;
            }
        }
    }

    /** A tag set in one form whatever the order of its keys (jsonb orders them by length first). */
    private static String tags(JsonNode tags) {
        Map<String, String> sorted = new TreeMap<>();
        tags.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().asText()));
        return sorted.toString();
    }
}
