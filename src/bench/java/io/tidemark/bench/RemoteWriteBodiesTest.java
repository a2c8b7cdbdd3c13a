package io.tidemark.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

class RemoteWriteBodiesTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private final Workload workload = Workload.generate(10_000, NOW);
    private final RemoteWriteBodies bodies = new RemoteWriteBodies(workload);

    /** One decoded sample with its labels, in body order. */
    private record Sample(String name, String metric, double value, long millis) {}

    @Test
    void bodyDecodesToTheReadingsOfThePoolWithTheirLabels() throws IOException {
        int b = 7;
        List<Sample> samples = decode(bodies.body(b));
        assertThat(samples).hasSize(RemoteWriteBodies.SAMPLES_PER_BODY);
        int first = b * RemoteWriteBodies.SAMPLES_PER_BODY;
        for (int i = 0; i < samples.size(); i++) {
            int r = first + i;
            Sample s = samples.get(i);
            assertThat(s.name()).isEqualTo(Workload.sensor(r % Workload.SERIES));
            assertThat(s.metric()).isEqualTo(Workload.metric(r % Workload.SERIES));
            assertThat(s.value()).isEqualTo(workload.values[r]);
            assertThat(s.millis()).isEqualTo(workload.millis[r]);
        }
    }

    @Test
    void bodiesBeyondThePoolAreTheSameReadingsMovedByAMillisecondAPass() throws IOException {
        int perPass = workload.readings() / RemoteWriteBodies.SAMPLES_PER_BODY;
        List<Sample> first = decode(bodies.body(3));
        List<Sample> third = decode(bodies.body(3 + 2 * perPass));
        for (int i = 0; i < first.size(); i++) {
            assertThat(third.get(i).name()).isEqualTo(first.get(i).name());
            assertThat(third.get(i).value()).isEqualTo(first.get(i).value());
            assertThat(third.get(i).millis()).isEqualTo(first.get(i).millis() + 2);
        }
    }

    @Test
    void noTwoBodiesAreAlikeAndNoSeriesHasATimestampTwiceWithinTheAcceptedWindow() throws IOException {
        int count = 3 * workload.readings() / RemoteWriteBodies.SAMPLES_PER_BODY;
        Set<String> distinctBodies = new HashSet<>();
        Set<String> seriesTimestamps = new HashSet<>();
        for (int b = 0; b < count; b++) {
            byte[] body = bodies.body(b);
            distinctBodies.add(new String(body, StandardCharsets.ISO_8859_1));
            for (Sample s : decode(body)) {
                assertThat(seriesTimestamps.add(s.name() + "/" + s.metric() + "@" + s.millis())).isTrue();
                // Tidemark's defaults: ingest.max_age 30 d, max_future 1 h.
                assertThat(Instant.ofEpochMilli(s.millis())).isBetween(NOW.minus(Duration.ofDays(30)),
                        NOW.plus(Duration.ofHours(1)));
            }
        }
        assertThat(distinctBodies).hasSize(count);
    }

    @Test
    void requestCarriesPrometheusHeadersAndTheExactBody() throws IOException {
        byte[] body = bodies.body(0);
        String request = new String(RemoteWriteBodies.request("127.0.0.1", body), StandardCharsets.ISO_8859_1);
        assertThat(request).startsWith("POST /api/v1/write HTTP/1.1\r\n")
                .contains("\r\nContent-Encoding: snappy\r\n", "\r\nContent-Type: application/x-protobuf\r\n",
                        "\r\nX-Prometheus-Remote-Write-Version: 0.1.0\r\n",
                        "\r\nContent-Length: " + body.length + "\r\n\r\n")
                .endsWith(new String(body, StandardCharsets.ISO_8859_1));
    }

    @Test
    void replayFileHoldsEachRequestAfterItsLength() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long bodyBytes = bodies.writeReplayFile("127.0.0.1", 2, out);
        byte[] first = RemoteWriteBodies.request("127.0.0.1", bodies.body(0));
        byte[] second = RemoteWriteBodies.request("127.0.0.1", bodies.body(1));
        String expected = first.length + "\n" + new String(first, StandardCharsets.ISO_8859_1) + second.length + "\n"
                + new String(second, StandardCharsets.ISO_8859_1);
        assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo(expected);
        assertThat(bodyBytes).isEqualTo(bodies.body(0).length + bodies.body(1).length);
    }

    /** Uncompresses a body and reads its WriteRequest the way a receiver would, field by field. */
    private static List<Sample> decode(byte[] body) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(Snappy.uncompress(body));
        List<Sample> samples = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            assertThat(tag).isEqualTo(1 << 3 | 2); // timeseries = 1, length-delimited
            int limit = in.pushLimit(in.readRawVarint32());
            List<String> labels = new ArrayList<>();
            List<double[]> points = new ArrayList<>();
            for (int t = in.readTag(); t != 0; t = in.readTag()) {
                int end = in.pushLimit(in.readRawVarint32());
                if (t == (1 << 3 | 2)) { // labels = 1
                    assertThat(in.readTag()).isEqualTo(1 << 3 | 2);
                    String name = in.readString();
                    assertThat(in.readTag()).isEqualTo(2 << 3 | 2);
                    labels.add(name + "=" + in.readString());
                } else { // samples = 2
                    assertThat(t).isEqualTo(2 << 3 | 2);
                    double value = 0;
                    long millis = 0;
                    for (int f = in.readTag(); f != 0; f = in.readTag()) {
                        if (f == (1 << 3 | 1)) {
                            value = Double.longBitsToDouble(in.readRawLittleEndian64());
                        } else {
                            assertThat(f).isEqualTo(2 << 3);
                            millis = in.readInt64();
                        }
                    }
                    points.add(new double[] {value, millis});
                }
                assertThat(in.isAtEnd()).isTrue();
                in.popLimit(end);
            }
            in.popLimit(limit);
            assertThat(labels).hasSize(2);
            assertThat(labels.get(0)).startsWith(RemoteWriteBodies.NAME_LABEL + "=");
            assertThat(labels.get(1)).startsWith(RemoteWriteBodies.METRIC_LABEL + "=");
            String name = labels.get(0).substring(RemoteWriteBodies.NAME_LABEL.length() + 1);
            String metric = labels.get(1).substring(RemoteWriteBodies.METRIC_LABEL.length() + 1);
            for (double[] p : points) samples.add(new Sample(name, metric, p[0], (long) p[1]));
        }
        return samples;
    }
}
