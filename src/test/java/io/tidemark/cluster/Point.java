package io.tidemark.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One reading as the cluster test follows it everywhere (sent, streamed, paged from the feed, stored): its series
 * (sensor, metric, tags) and its timestamp and value. Timestamps are whole milliseconds, values short decimals, so
 * every format carries them exactly.
 */
record Point(String sensor, String metric, SortedMap<String, String> tags, Instant ts, double value) {
    Point {
        tags = new TreeMap<>(tags);
    }

    /** A reading of the stream ({@code data} of a {@code reading} event) or of a feed page. */
    static Point fromJson(JsonNode node) {
        SortedMap<String, String> tags = new TreeMap<>();
        node.path("tags").fields().forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
        return new Point(node.get("sensor").asText(), node.get("metric").asText(), tags,
                Instant.parse(node.get("ts").asText()), node.get("value").asDouble());
    }

    /** As {@code POST /api/v1/readings} takes it; {@code epochMillis} picks the other timestamp form. */
    ObjectNode toJson(boolean epochMillis) {
        ObjectNode node = JsonNodeFactory.instance.objectNode().put("sensor", sensor).put("metric", metric);
        if (!tags.isEmpty()) {
            ObjectNode t = node.putObject("tags");
            for (Map.Entry<String, String> e : tags.entrySet()) t.put(e.getKey(), e.getValue());
        }
        if (epochMillis) {
            node.put("ts", ts.toEpochMilli());
        } else {
            node.put("ts", ts.toString());
        }
        return node.put("value", value);
    }

    /**
     * As InfluxDB line protocol at millisecond precision: sensor as measurement, metric as field key. The names the
     * test uses need no escaping. The server adds the tag {@code db} from the URL, so this point's tags must hold it.
     */
    String toLine() {
        StringBuilder line = new StringBuilder(sensor);
        for (Map.Entry<String, String> e : tags.entrySet()) {
            if (!e.getKey().equals("db")) line.append(',').append(e.getKey()).append('=').append(e.getValue());
        }
        return line.append(' ').append(metric).append('=').append(value).append(' ').append(ts.toEpochMilli())
                .toString();
    }
}
