package io.tidemark.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * A reading as a client sends it and as {@code readings_v} shows it. When sending, a null {@code metric} or
 * {@code ts} is left out of the JSON so the server applies its default.
 */
public record Reading(String sensor, String metric, Instant ts, double value) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How {@code ts} is written in JSON. */
    public enum TimestampStyle {
        /** A string such as {@code 2026-11-24T10:00:00.123456Z}. */
        RFC3339,
        /** An integer count of epoch milliseconds (sub-millisecond precision is dropped). */
        EPOCH_MILLIS
    }

    public String toJson(TimestampStyle style) {
        ObjectNode node = JSON.createObjectNode().put("sensor", sensor);
        if (metric != null) node.put("metric", metric);
        if (ts != null) {
            if (style == TimestampStyle.RFC3339) {
                node.put("ts", ts.toString());
            } else {
                node.put("ts", ts.toEpochMilli());
            }
        }
        node.put("value", value);
        return node.toString();
    }

    public String toJson() {
        return toJson(TimestampStyle.RFC3339);
    }
}
