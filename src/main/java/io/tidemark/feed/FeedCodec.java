package io.tidemark.feed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The payloads of feed rows. Readings: 20 bytes each, (series id int4, timestamp int8 in epoch microseconds, value
 * float8), big-endian, in commit order; names are looked up by series id when read, so a row stays small. Alert
 * events: a JSON array of the events as the stream sends them.
 */
public final class FeedCodec {
    /** Bytes per reading in a readings payload. */
    public static final int READING_BYTES = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private FeedCodec() {}

    /** Builds a readings payload from slices of a batch's arrays. Not thread-safe. */
    public static final class ReadingsWriter {
        private final ByteBuffer buffer;

        public ReadingsWriter(int readings) {
            this.buffer = ByteBuffer.allocate(Math.multiplyExact(readings, READING_BYTES));
        }

        public void add(int[] seriesIds, long[] timestamps, double[] values, int count) {
            for (int i = 0; i < count; i++) {
                buffer.putInt(seriesIds[i]).putLong(timestamps[i]).putDouble(values[i]);
            }
        }

        /** The payload; every reading announced to the constructor must have been added. */
        public byte[] bytes() {
            if (buffer.hasRemaining()) {
                throw new IllegalStateException("readings payload has " + buffer.remaining() + " bytes unfilled");
            }
            return buffer.array();
        }
    }

    /** The readings of a payload: {ids, timestamps, values} arrays of {@code count}. */
    static Readings readings(byte[] payload, int count) {
        if (payload.length != (long) count * READING_BYTES) {
            throw new IllegalStateException("feed row of " + count + " readings has " + payload.length + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(payload);
        Readings r = new Readings(new int[count], new long[count], new double[count]);
        for (int i = 0; i < count; i++) {
            r.seriesIds[i] = in.getInt();
            r.timestamps[i] = in.getLong();
            r.values[i] = in.getDouble();
        }
        return r;
    }

    record Readings(int[] seriesIds, long[] timestamps, double[] values) {}

    /** An alerts payload: the events' JSON texts as one JSON array. */
    public static byte[] alerts(List<String> eventsJson) {
        return ("[" + String.join(",", eventsJson) + "]").getBytes(StandardCharsets.UTF_8);
    }

    /** The events of an alerts payload, each as its JSON text. */
    static String[] alertEvents(byte[] payload, int count) {
        try {
            JsonNode array = JSON.readTree(payload);
            if (!array.isArray() || array.size() != count) {
                throw new IllegalStateException("feed row of " + count + " alert events holds " + array.size());
            }
            String[] events = new String[count];
            for (int i = 0; i < count; i++) events[i] = JSON.writeValueAsString(array.get(i));
            return events;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("feed row of alert events is not JSON", e);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
