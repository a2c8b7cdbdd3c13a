package io.tidemark.bench;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.xerial.snappy.Snappy;

/**
 * The benchmark's readings as Prometheus remote-write 1.0 requests: a protobuf {@code WriteRequest} of
 * {@link #SAMPLES_PER_BODY} samples, compressed in Snappy's block format, with the headers Prometheus 2.42 sends.
 * Labels: {@code __name__} is the reading's sensor and {@code metric} its metric (sorted, as the spec requires).
 *
 * <p>Every body carries its timestamps, so a receiver may treat a body it has seen as a resend (Tidemark does, and
 * stores nothing). So the bodies are never the same twice: body {@code b} holds the readings
 * {@code [(b * 500) mod pool, +500)} of the pool, with every timestamp moved {@code pass = b * 500 / pool}
 * milliseconds later. A pass moves a series' readings by far less than the spacing of its ticks, so no two samples
 * of a series share a timestamp either.
 */
final class RemoteWriteBodies {
    static final String PATH = "/api/v1/write";
    /** Prometheus' default {@code queue_config.max_samples_per_send}. */
    static final int SAMPLES_PER_BODY = 500;
    static final String NAME_LABEL = "__name__";
    static final String METRIC_LABEL = "metric";

    private static final int LENGTH_DELIMITED = WireFormat.WIRETYPE_LENGTH_DELIMITED;

    private final Workload workload;

    RemoteWriteBodies(Workload workload) {
        if (workload.readings() % SAMPLES_PER_BODY != 0) {
            throw new IllegalArgumentException("a pool of " + workload.readings() + " readings is not whole bodies of "
                    + SAMPLES_PER_BODY);
        }
        this.workload = workload;
    }

    /** How far body {@code b}'s timestamps are moved from the pool's, in milliseconds. */
    long shiftMillis(int b) {
        return (long) b * SAMPLES_PER_BODY / workload.readings();
    }

    /** Index in the pool of body {@code b}'s first reading. */
    int firstReading(int b) {
        return (int) ((long) b * SAMPLES_PER_BODY % workload.readings());
    }

    /** Body {@code b} before compression: the protobuf {@code WriteRequest}. */
    byte[] writeRequest(int b) throws IOException {
        int first = firstReading(b);
        long shift = shiftMillis(b);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(SAMPLES_PER_BODY * 64);
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        int r = first;
        while (r < first + SAMPLES_PER_BODY) {
            // One TimeSeries per run of readings of the same series. In the pool's order every sample is of another
            // series, so each TimeSeries has one sample: what Prometheus sends for a scrape of many series.
            int end = r + 1;
            while (end < first + SAMPLES_PER_BODY && end % Workload.SERIES == r % Workload.SERIES) end++;
            writeTimeSeries(out, r, end, shift);
            r = end;
        }
        out.flush();
        return bytes.toByteArray();
    }

    /** {@code TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; }} of readings [from, to). */
    private void writeTimeSeries(CodedOutputStream out, int from, int to, long shift) throws IOException {
        int series = from % Workload.SERIES;
        String name = Workload.sensor(series);
        String metric = Workload.metric(series);
        int size = labelFieldSize(NAME_LABEL, name) + labelFieldSize(METRIC_LABEL, metric);
        for (int r = from; r < to; r++) {
            int sample = sampleSize(workload.values[r], workload.millis[r] + shift);
            size += CodedOutputStream.computeTagSize(2) + CodedOutputStream.computeUInt32SizeNoTag(sample) + sample;
        }
        out.writeTag(1, LENGTH_DELIMITED); // WriteRequest.timeseries
        out.writeUInt32NoTag(size);
        writeLabel(out, NAME_LABEL, name);
        writeLabel(out, METRIC_LABEL, metric);
        for (int r = from; r < to; r++) {
            double value = workload.values[r];
            long ts = workload.millis[r] + shift;
            out.writeTag(2, LENGTH_DELIMITED);
            out.writeUInt32NoTag(sampleSize(value, ts));
            // proto3 leaves out fields at their default, as Prometheus' Go encoder does (a 0.0 value has no field).
            if (Double.doubleToRawLongBits(value) != 0) out.writeDouble(1, value);
            if (ts != 0) out.writeInt64(2, ts);
        }
    }

    private static int labelSize(String name, String value) {
        return CodedOutputStream.computeStringSize(1, name) + CodedOutputStream.computeStringSize(2, value);
    }

    private static int labelFieldSize(String name, String value) {
        int label = labelSize(name, value);
        return CodedOutputStream.computeTagSize(1) + CodedOutputStream.computeUInt32SizeNoTag(label) + label;
    }

    private static void writeLabel(CodedOutputStream out, String name, String value) throws IOException {
        out.writeTag(1, LENGTH_DELIMITED);
        out.writeUInt32NoTag(labelSize(name, value));
        out.writeString(1, name);
        out.writeString(2, value);
    }

    private static int sampleSize(double value, long ts) {
        return (Double.doubleToRawLongBits(value) == 0 ? 0 : CodedOutputStream.computeDoubleSize(1, value))
                + (ts == 0 ? 0 : CodedOutputStream.computeInt64Size(2, ts));
    }

    /** Body {@code b} as sent: the {@code WriteRequest} in Snappy's block format (never the framed one). */
    byte[] body(int b) throws IOException {
        return Snappy.compress(writeRequest(b));
    }

    /** A complete HTTP/1.1 request of {@code body}, with Prometheus' headers. */
    static byte[] request(String host, byte[] body) {
        String head = "POST " + PATH + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: Prometheus/2.42.0"
                + "\r\nContent-Encoding: snappy\r\nContent-Type: application/x-protobuf"
                + "\r\nX-Prometheus-Remote-Write-Version: 0.1.0\r\nContent-Length: " + body.length + "\r\n\r\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream(head.length() + body.length);
        out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        return out.toByteArray();
    }

    /**
     * Writes requests of bodies {@code [0, count)} in the format of {@link Workload#writeReplayFile}, one at a time
     * (a pool sized for a fast peer is hundreds of megabytes); returns the bytes of their bodies.
     */
    long writeReplayFile(String host, int count, OutputStream out) throws IOException {
        long bodyBytes = 0;
        for (int b = 0; b < count; b++) {
            byte[] body = body(b);
            byte[] request = request(host, body);
            out.write((request.length + "\n").getBytes(StandardCharsets.US_ASCII));
            out.write(request);
            bodyBytes += body.length;
        }
        return bodyBytes;
    }
}
