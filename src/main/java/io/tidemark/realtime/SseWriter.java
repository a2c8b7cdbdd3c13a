package io.tidemark.realtime;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * Writes Server-Sent Events: {@code event: NAME}, one {@code data:} line of JSON, a blank line. JSON never contains
 * a raw line break (Jackson escapes them in strings), so one data line is always enough. Buffered: nothing reaches
 * the client before {@link #flush()}. Not thread-safe.
 */
final class SseWriter {
    private static final JsonFactory JSON = new JsonFactory();

    private final Writer out;
    private final JsonGenerator json;

    SseWriter(OutputStream stream) throws IOException {
        this.out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 16 * 1024);
        this.json = JSON.createGenerator(out).disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
        this.json.setRootValueSeparator(null);
    }

    void reading(String sensor, String metric, long tsMicros, double value) throws IOException {
        out.write("event: reading\ndata: ");
        json.writeStartObject();
        json.writeStringField("sensor", sensor);
        json.writeStringField("metric", metric);
        json.writeStringField("ts", Alert.instant(tsMicros).toString());
        json.writeNumberField("value", value);
        json.writeEndObject();
        json.flush();
        out.write("\n\n");
    }

    void event(String name, Object data) throws IOException {
        out.write("event: ");
        out.write(name);
        out.write("\ndata: ");
        out.write(EventJson.MAPPER.writeValueAsString(data));
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
