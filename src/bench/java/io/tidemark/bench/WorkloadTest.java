package io.tidemark.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkloadTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private final Workload workload = Workload.generate(10_000, NOW);

    @Test
    void roundsUpToWholeInfluxWrites() {
        assertThat(workload.readings()).isEqualTo(10_000);
        assertThat(Workload.generate(7_500, NOW).readings()).isEqualTo(10_000);
    }

    @Test
    void bulkBodyIsOneReadingOfEverySeriesWithinTheAcceptedWindow() throws IOException {
        JsonNode body = new ObjectMapper().readTree(workload.bulkBody(3));
        assertThat(body.size()).isEqualTo(Workload.SERIES);
        Set<String> series = new HashSet<>();
        for (JsonNode r : body) {
            series.add(r.get("sensor").asText() + "/" + r.get("metric").asText());
            Instant ts = Instant.parse(r.get("ts").asText());
            assertThat(ts).isBetween(NOW.minus(Duration.ofDays(Workload.SPAN_DAYS + 1)),
                    NOW.minus(Duration.ofHours(1)));
            assertThat(r.get("value").isNumber()).isTrue();
        }
        assertThat(series).hasSize(Workload.SERIES);
    }

    @Test
    void lineProtocolCarriesTheSameReadingsAsTheJsonBodies() throws IOException {
        String[] lines = new String(workload.lineProtocolBody(0), StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(Workload.INFLUX_POINTS);
        JsonNode first = new ObjectMapper().readTree(workload.bulkBody(0)).get(0);
        long millis = Instant.parse(first.get("ts").asText()).toEpochMilli();
        assertThat(lines[0]).isEqualTo(first.get("metric").asText() + ",sensor=" + first.get("sensor").asText()
                + " value=" + first.get("value").asText() + " " + millis);
    }

    @Test
    void copyRowsEncodeSeriesIdTimestampAndValue() {
        int[] ids = new int[Workload.SERIES];
        for (int i = 0; i < ids.length; i++) ids[i] = 1000 + i;
        ByteBuffer row = ByteBuffer.wrap(workload.copyRows(ids), 5 * Workload.COPY_ROW_BYTES, Workload.COPY_ROW_BYTES);
        assertThat(row.getShort()).isEqualTo((short) 3);
        assertThat(row.getInt()).isEqualTo(4);
        assertThat(row.getInt()).isEqualTo(1005);
        assertThat(row.getInt()).isEqualTo(8);
        assertThat(row.getLong()).isEqualTo(workload.millis[5] * 1000 - 946_684_800_000_000L);
        assertThat(row.getInt()).isEqualTo(8);
        assertThat(Double.longBitsToDouble(row.getLong())).isEqualTo(workload.values[5]);
    }

    @Test
    void copyHeaderIsTheElevenByteSignatureThenEmptyFlagsAndExtension() {
        byte[] signature = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
        assertThat(Workload.COPY_HEADER).hasSize(19).startsWith(signature);
        assertThat(java.util.Arrays.copyOfRange(Workload.COPY_HEADER, 11, 19)).containsOnly(0);
    }

    @Test
    void replayFileIsLengthThenBytesForEachRequest() throws IOException {
        byte[] a = Workload.httpPost("/x", "h", "text/plain", "one\ntwo".getBytes(StandardCharsets.UTF_8));
        byte[] b = Workload.httpPost("/y", "h", "text/plain", new byte[0]);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Workload.writeReplayFile(List.of(a, b), out);
        String file = out.toString(StandardCharsets.UTF_8);
        String first = new String(a, StandardCharsets.UTF_8);
        assertThat(file).startsWith(a.length + "\n" + first + b.length + "\n");
        assertThat(first).contains("Content-Length: 7\r\n\r\none\ntwo");
    }

    @Test
    void liveLineProtocolStampsOnlyTheLinesAskedForInNanoseconds() {
        Workload live = workload.withMillis(workload.millis.clone());
        byte[] request = live.liveLineProtocolRequests("h", "bench", r -> r % 10 == 3).get(0);
        String text = new String(request, StandardCharsets.UTF_8);
        assertThat(text).startsWith("POST /write?db=bench HTTP/1.1\r\n");
        String[] lines = text.substring(text.indexOf("\r\n\r\n") + 4).split("\n");
        assertThat(lines).hasSize(Workload.INFLUX_POINTS);
        assertThat(lines[0]).isEqualTo("temperature,sensor=sensor-0000 value=" + workload.values[0]);
        assertThat(lines[3]).isEqualTo("voltage,sensor=sensor-0000 value=" + workload.values[3] + " "
                + workload.millis[3] + "000000");
    }

    @Test
    void smallLineProtocolRequestsAreOneStampedLineEachAndAllDifferent() {
        List<byte[]> requests = workload.smallLineProtocolRequests("h", "bench", 5_000);
        assertThat(requests).hasSize(5_000);
        Set<String> bodies = new HashSet<>();
        for (byte[] request : requests) {
            String text = new String(request, StandardCharsets.UTF_8);
            String body = text.substring(text.indexOf("\r\n\r\n") + 4);
            assertThat(body).matches("[a-z]+,sensor=sensor-\\d{4} value=-?[0-9.E-]+ \\d{19}\n");
            bodies.add(body);
        }
        assertThat(bodies).hasSize(5_000);
        assertThat(workload.smallLineProtocolRequests("h", "bench", 20_000)).hasSize(workload.readings());
    }
}
