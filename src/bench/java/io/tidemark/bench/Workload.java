package io.tidemark.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntPredicate;

/**
 * The benchmark's readings, generated once (fixed seed) and encoded for every contender, so that all of them store
 * the same data: JSON bodies for Tidemark, line protocol for InfluxDB, binary COPY rows for the ceiling.
 *
 * <p>1000 series (250 sensors x 4 metrics). The pool is a sequence of <em>ticks</em>: one reading of every series at
 * one instant, 1 ms apart within the tick. Ticks are spread evenly over the past {@link #SPAN_DAYS} days and
 * shuffled, so consecutive requests land in different daily partitions, as a fleet's backlog would.
 */
final class Workload {
    static final String[] METRICS = {"temperature", "humidity", "pressure", "voltage"};
    static final int SENSORS = 250;
    static final int SERIES = SENSORS * METRICS.length;
    static final int SPAN_DAYS = 3;
    /** Readings per Tidemark bulk request; one tick. */
    static final int BULK_READINGS = SERIES;
    /** Points per InfluxDB write, as in the issue. */
    static final int INFLUX_POINTS = 5000;

    static final String TIDEMARK_PATH = "/api/v1/readings";
    /** A binary COPY row: field count, then length and value of series_id (int4), ts (int8), value (float8). */
    static final int COPY_ROW_BYTES = 2 + (4 + 4) + (4 + 8) + (4 + 8);
    static final byte[] COPY_HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0, // signature
            0, 0, 0, 0, // flags
            0, 0, 0, 0}; // header extension length
    static final byte[] COPY_TRAILER = {(byte) 0xFF, (byte) 0xFF};
    /** PostgreSQL timestamps count microseconds from 2000-01-01T00:00:00Z. */
    private static final long PG_EPOCH_OFFSET_MICROS = 946_684_800_000_000L;

    private static final DateTimeFormatter RFC3339 =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    final int ticks;
    /** Per reading: epoch milliseconds. Reading r belongs to series {@code r % SERIES} and tick {@code r / SERIES}. */
    final long[] millis;
    /** Per reading: the value, already rounded to 2 decimals so every encoding prints the same digits. */
    final double[] values;

    private Workload(int ticks, long[] millis, double[] values) {
        this.ticks = ticks;
        this.millis = millis;
        this.values = values;
    }

    /** At least {@code readings} readings (rounded up to whole InfluxDB writes), all before {@code now}. */
    static Workload generate(int readings, Instant now) {
        int ticksPerWrite = INFLUX_POINTS / SERIES;
        int ticks = Math.max(ticksPerWrite, (readings + SERIES - 1) / SERIES);
        ticks = (ticks + ticksPerWrite - 1) / ticksPerWrite * ticksPerWrite;
        Random random = new Random(42);
        int[] slot = new int[ticks];
        for (int i = 0; i < ticks; i++) slot[i] = i;
        for (int i = ticks - 1; i > 0; i--) { // Fisher-Yates: tick order shuffled in time
            int j = random.nextInt(i + 1);
            int t = slot[i];
            slot[i] = slot[j];
            slot[j] = t;
        }
        // Leave an hour of headroom at the recent end, and start a minute after the oldest edge, so a long run does
        // not push readings past ingest.max_age (30 d) or the clock skew limit.
        long end = now.toEpochMilli() - 3_600_000L;
        long start = end - SPAN_DAYS * 86_400_000L;
        long step = (end - start) / ticks;
        long[] millis = new long[ticks * SERIES];
        double[] values = new double[ticks * SERIES];
        for (int t = 0; t < ticks; t++) {
            long base = start + slot[t] * step;
            for (int s = 0; s < SERIES; s++) {
                int r = t * SERIES + s;
                millis[r] = base + s;
                values[r] = Math.round((15 + 10 * random.nextGaussian()) * 100) / 100.0;
            }
        }
        return new Workload(ticks, millis, values);
    }

    int readings() {
        return millis.length;
    }

    /** The same readings at other timestamps (see {@link LiveStamps}). */
    Workload withMillis(long[] stamped) {
        if (stamped.length != millis.length) throw new IllegalArgumentException("not one timestamp per reading");
        return new Workload(ticks, stamped, values);
    }

    static String sensor(int series) {
        return String.format("sensor-%04d", series / METRICS.length);
    }

    static String metric(int series) {
        return METRICS[series % METRICS.length];
    }

    /** One JSON reading object, as a typical client writes it (RFC 3339 timestamp with milliseconds). */
    String json(int r) {
        int s = r % SERIES;
        return "{\"sensor\":\"" + sensor(s) + "\",\"metric\":\"" + metric(s) + "\",\"ts\":\""
                + RFC3339.format(Instant.ofEpochMilli(millis[r])) + "\",\"value\":" + values[r] + "}";
    }

    /** Tick {@code t} as one JSON array: a Tidemark bulk request body. */
    byte[] bulkBody(int t) {
        StringBuilder b = new StringBuilder(BULK_READINGS * 90).append('[');
        for (int r = t * SERIES; r < (t + 1) * SERIES; r++) {
            if (r > t * SERIES) b.append(',');
            b.append(json(r));
        }
        return b.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** InfluxDB write {@code w}: {@link #INFLUX_POINTS} consecutive readings as line protocol, in milliseconds. */
    byte[] lineProtocolBody(int w) {
        return lineProtocolBody(w, true);
    }

    /**
     * Write {@code w} as line protocol; without timestamps the receiving server stamps each line with its clock, so
     * a body sent again is new points, for InfluxDB and Tidemark alike.
     */
    byte[] lineProtocolBody(int w, boolean timestamps) {
        StringBuilder b = new StringBuilder(INFLUX_POINTS * 64);
        for (int r = w * INFLUX_POINTS; r < (w + 1) * INFLUX_POINTS; r++) {
            int s = r % SERIES;
            b.append(metric(s)).append(",sensor=").append(sensor(s)).append(" value=").append(values[r]);
            if (timestamps) b.append(' ').append(millis[r]);
            b.append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reading {@code r} as one line of line protocol, with its timestamp in nanoseconds (the precision every
     * receiver assumes when a write names none) when {@code stamped}, else without (the receiver stamps it).
     */
    void appendLine(StringBuilder b, int r, boolean stamped) {
        int s = r % SERIES;
        b.append(metric(s)).append(",sensor=").append(sensor(s)).append(" value=").append(values[r]);
        if (stamped) b.append(' ').append(millis[r]).append("000000");
        b.append('\n');
    }

    int influxWrites() {
        return readings() / INFLUX_POINTS;
    }

    /**
     * Every reading as binary COPY rows (no header or trailer), for the ceiling: {@link #COPY_ROW_BYTES} bytes a row.
     *
     * @param seriesIds the database id of each series index
     */
    byte[] copyRows(int[] seriesIds) {
        byte[] out = new byte[readings() * COPY_ROW_BYTES];
        int p = 0;
        for (int r = 0; r < readings(); r++) {
            p = putShort(out, p, 3);
            p = putInt(out, p, 4);
            p = putInt(out, p, seriesIds[r % SERIES]);
            p = putInt(out, p, 8);
            p = putLong(out, p, millis[r] * 1000 - PG_EPOCH_OFFSET_MICROS);
            p = putInt(out, p, 8);
            p = putLong(out, p, Double.doubleToRawLongBits(values[r]));
        }
        return out;
    }

    private static int putShort(byte[] b, int p, int v) {
        b[p] = (byte) (v >>> 8);
        b[p + 1] = (byte) v;
        return p + 2;
    }

    private static int putInt(byte[] b, int p, int v) {
        b[p] = (byte) (v >>> 24);
        b[p + 1] = (byte) (v >>> 16);
        b[p + 2] = (byte) (v >>> 8);
        b[p + 3] = (byte) v;
        return p + 4;
    }

    private static int putLong(byte[] b, int p, long v) {
        return putInt(b, putInt(b, p, (int) (v >>> 32)), (int) v);
    }

    /** A complete HTTP/1.1 request with keep-alive, ready to be written to a socket as it is. */
    static byte[] httpPost(String target, String host, String contentType, byte[] body) {
        String head = "POST " + target + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: " + contentType
                + "\r\nContent-Length: " + body.length + "\r\n\r\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream(head.length() + body.length);
        out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        return out.toByteArray();
    }

    /**
     * Writes requests in the format {@code bench/wrk/replay.lua} reads: for each, its length in bytes on a line of
     * its own, then the bytes.
     */
    static void writeReplayFile(List<byte[]> requests, OutputStream out) throws IOException {
        for (byte[] request : requests) {
            out.write((request.length + "\n").getBytes(StandardCharsets.US_ASCII));
            out.write(request);
        }
    }

    /** The Tidemark bulk requests: one per tick. */
    List<byte[]> bulkRequests(String host) {
        List<byte[]> requests = new ArrayList<>(ticks);
        for (int t = 0; t < ticks; t++) {
            requests.add(httpPost(TIDEMARK_PATH, host, "application/json", bulkBody(t)));
        }
        return requests;
    }

    /** The Tidemark small requests: the first {@code count} readings, one per request. */
    List<byte[]> singleRequests(String host, int count) {
        List<byte[]> requests = new ArrayList<>(count);
        for (int r = 0; r < Math.min(count, readings()); r++) {
            requests.add(httpPost(TIDEMARK_PATH, host, "application/json", json(r).getBytes(StandardCharsets.UTF_8)));
        }
        return requests;
    }

    /**
     * Line protocol writes of {@link #INFLUX_POINTS} lines into database {@code db}, the same requests byte for byte
     * for Tidemark's {@code /write}, InfluxDB's and VictoriaMetrics': the lines of readings {@code stamped} carries
     * their timestamps (the late ones, see {@link LiveStamps}), the others none, so the receiver stamps them with its
     * clock and a body sent again is new points. (A body whose every line had a timestamp would be its own
     * idempotency key for Tidemark, stored once.)
     */
    List<byte[]> liveLineProtocolRequests(String host, String db, IntPredicate stamped) {
        List<byte[]> requests = new ArrayList<>(influxWrites());
        for (int w = 0; w < influxWrites(); w++) {
            StringBuilder b = new StringBuilder(INFLUX_POINTS * 64);
            for (int r = w * INFLUX_POINTS; r < (w + 1) * INFLUX_POINTS; r++) appendLine(b, r, stamped.test(r));
            requests.add(httpPost("/write?db=" + db, host, "text/plain; charset=utf-8",
                    b.toString().getBytes(StandardCharsets.UTF_8)));
        }
        return requests;
    }

    /**
     * The first {@code count} readings as writes of one line each into database {@code db}, every line with its
     * timestamp: no two bodies are alike, so none is answered as a replay (each is its own idempotency key for
     * Tidemark) or overwrites another point (InfluxDB) as long as none is sent twice.
     */
    List<byte[]> smallLineProtocolRequests(String host, String db, int count) {
        List<byte[]> requests = new ArrayList<>(Math.min(count, readings()));
        StringBuilder b = new StringBuilder(96);
        for (int r = 0; r < Math.min(count, readings()); r++) {
            b.setLength(0);
            appendLine(b, r, true);
            requests.add(httpPost("/write?db=" + db, host, "text/plain; charset=utf-8",
                    b.toString().getBytes(StandardCharsets.UTF_8)));
        }
        return requests;
    }

    /** The InfluxDB writes into database {@code db}. */
    List<byte[]> influxRequests(String host, String db) {
        List<byte[]> requests = new ArrayList<>(influxWrites());
        for (int w = 0; w < influxWrites(); w++) {
            requests.add(httpPost("/write?db=" + db + "&precision=ms", host, "text/plain; charset=utf-8",
                    lineProtocolBody(w)));
        }
        return requests;
    }
}
