package io.tidemark.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.NumberOutput;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.tidemark.names.Tags;
import io.tidemark.storage.SeriesKey;
import io.tidemark.time.EpochMicros;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes Server-Sent Events: {@code id: ROW.INDEX} for events of the feed, {@code event: NAME}, one {@code data:}
 * line of JSON, a blank line. JSON never contains
 * a raw line break (Jackson escapes them in strings), so one data line is always enough. Buffered: nothing reaches
 * the client before {@link #flush()}. Not thread-safe.
 */
final class SseWriter {
    private static final JsonFactory JSON = new JsonFactory();
    /** The stream's own events (ready, reset): times as RFC 3339 strings, as in HTTP answers. */
    private static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    /** Series whose JSON prefix one writer keeps; past it the cache starts again (a client of many series). */
    private static final int MAX_PREFIXES = 10_000;

    private final Writer out;
    private final Map<SeriesKey, String> prefixes = new HashMap<>();
    /** The formatted second of the last reading written: readings of one batch mostly share it. */
    private long second = Long.MIN_VALUE;
    private String secondText;

    SseWriter(OutputStream stream) throws IOException {
        this.out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 16 * 1024);
    }

    /**
     * Tags are written only when the series has some, so events of tagless series read as they always have. The
     * series' part of the JSON is built once per series (see {@link #prefix}): most of the cost of writing a reading
     * was escaping the same names again.
     */
    void reading(long row, int index, String sensor, String metric, Tags tags, long tsMicros, double value)
            throws IOException {
        id(row, index);
        out.write("event: reading\ndata: ");
        out.write(prefix(sensor, metric, tags));
        out.write(time(tsMicros));
        out.write("\",\"value\":");
        out.write(NumberOutput.toString(value));
        out.write("}\n\n");
    }

    /** {@code {"sensor":...,"metric":...,"tags":{...},"ts":"}, as Jackson writes it, from a bounded cache. */
    private String prefix(String sensor, String metric, Tags tags) throws IOException {
        SeriesKey key = new SeriesKey(sensor, metric, tags);
        String prefix = prefixes.get(key);
        if (prefix != null) return prefix;
        StringWriter text = new StringWriter(64);
        JsonGenerator json = JSON.createGenerator(text);
        json.writeStartObject();
        json.writeStringField("sensor", sensor);
        json.writeStringField("metric", metric);
        if (!tags.isEmpty()) {
            json.writeObjectFieldStart("tags");
            for (int i = 0; i < tags.size(); i++) json.writeStringField(tags.key(i), tags.value(i));
            json.writeEndObject();
        }
        json.flush(); // not closed: the object goes on with the reading's own fields
        prefix = text + ",\"ts\":\"";
        if (prefixes.size() >= MAX_PREFIXES) prefixes.clear();
        prefixes.put(key, prefix);
        return prefix;
    }

    /**
     * The same text as {@code Instant.toString()} (so the stream and the JSON answers agree), without formatting the
     * date and time of day again for every reading: that was most of the cost of writing one.
     */
    String time(long micros) {
        long s = Math.floorDiv(micros, EpochMicros.PER_SECOND);
        int fraction = (int) Math.floorMod(micros, EpochMicros.PER_SECOND);
        if (s != second) {
            String whole = Instant.ofEpochSecond(s).toString(); // ends "...:ssZ": no fraction for a whole second
            secondText = whole.substring(0, whole.length() - 1);
            second = s;
        }
        if (fraction == 0) return secondText + "Z";
        if (fraction % 1000 == 0) return secondText + "." + (1000 + fraction / 1000 + "").substring(1) + "Z";
        return secondText + "." + (1_000_000 + fraction + "").substring(1) + "Z";
    }

    /** An event of the feed, whose data is JSON already. */
    void feedEvent(long row, int index, String name, String json) throws IOException {
        id(row, index);
        eventJson(name, json);
    }

    private void id(long row, int index) throws IOException {
        out.write("id: ");
        out.write(Long.toString(row));
        out.write('.');
        out.write(Integer.toString(index));
        out.write('\n');
    }

    void event(String name, Object data) throws IOException {
        eventJson(name, MAPPER.writeValueAsString(data));
    }

    /** An event whose data is JSON already (one line: Jackson never writes a raw line break). */
    private void eventJson(String name, String json) throws IOException {
        out.write("event: ");
        out.write(name);
        out.write("\ndata: ");
        out.write(json);
        out.write("\n\n");
    }

    void comment(String text) throws IOException {
        out.write(": ");
        out.write(text);
        out.write("\n\n");
    }

    void flush() throws IOException {
        out.flush();
    }
}
