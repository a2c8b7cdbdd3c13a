package io.tidemark.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.testing.TestDatabase;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** What Tidemark stored from remote write, read back from {@code readings_v} with the SQL a user would write. */
final class StoredSamples {
    /** The mapping's contract: sensor = {@code __name__}, metric = {@code value}, tags = the other labels. */
    private static final String SQL = """
            SELECT sensor, tags::text, ts, value FROM readings_v
            WHERE metric = 'value' AND tags @> ?::jsonb AND ts > ? AND ts < ?""";
    private static final ObjectMapper JSON = new ObjectMapper();

    private StoredSamples() {}

    /** The readings tagged {@code job=<job>} in the open interval {@code (fromMicros, toMicros)}. */
    static RawSamples ofJob(TestDatabase database, String job, long fromMicros, long toMicros) {
        try (Connection c = database.connect(); PreparedStatement s = c.prepareStatement(SQL)) {
            s.setString(1, JSON.createObjectNode().put("job", job).toString());
            s.setObject(2, offsetDateTime(fromMicros));
            s.setObject(3, offsetDateTime(toMicros));
            try (ResultSet rs = s.executeQuery()) {
                RawSamples stored = new RawSamples();
                while (rs.next()) {
                    Instant ts = rs.getObject(3, OffsetDateTime.class).toInstant();
                    stored.add(new RawSamples.Series(rs.getString(1), tags(rs.getString(2))),
                            ts.getEpochSecond() * 1_000_000 + ts.getNano() / 1_000, rs.getDouble(4));
                }
                return stored;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(SQL + ": " + e.getMessage(), e);
        }
    }

    private static OffsetDateTime offsetDateTime(long epochMicros) {
        return Instant.EPOCH.plus(epochMicros, ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }

    /** A tags object as labels; a value that is not a string keeps its JSON text, so that it shows as a difference. */
    private static SortedMap<String, String> tags(String json) {
        try {
            SortedMap<String, String> tags = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = JSON.readTree(json).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> tag = it.next();
                tags.put(tag.getKey(), tag.getValue().isTextual() ? tag.getValue().asText()
                        : tag.getValue().toString());
            }
            return tags;
        } catch (IOException e) {
            throw new AssertionError("tags are not JSON: " + json, e);
        }
    }
}
