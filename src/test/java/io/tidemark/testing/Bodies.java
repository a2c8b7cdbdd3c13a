package io.tidemark.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;

/** Request bodies as clients write them: JSON arrays (one reading a line), NDJSON, gzip. */
public final class Bodies {
    public static final String JSON = "application/json";
    public static final String NDJSON = "application/x-ndjson";

    private Bodies() {}

    /** A JSON array with reading {@code i} on line {@code i + 2}. */
    public static String array(List<String> objects) {
        return objects.stream().collect(Collectors.joining(",\n", "[\n", "\n]"));
    }

    /** Newline-delimited JSON with reading {@code i} on line {@code i + 1}. */
    public static String ndjson(List<String> objects) {
        return objects.stream().collect(Collectors.joining("\n", "", "\n"));
    }

    public static List<String> json(List<Reading> readings, Reading.TimestampStyle style) {
        return readings.stream().map(r -> r.toJson(style)).toList();
    }

    public static byte[] gzip(String text) {
        return gzip(text.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
