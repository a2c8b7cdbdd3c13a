package io.tidemark.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.names.Tags;
import io.tidemark.testing.RandomSeed;
import io.tidemark.time.EpochMicros;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RandomSeed.class)
class SseWriterTest {
    @Test
    void timesReadExactlyAsInstantToString(Random random) throws IOException {
        SseWriter writer = new SseWriter(new ByteArrayOutputStream());
        long micros = 1_795_510_800_000_000L;
        for (int i = 0; i < 100_000; i++) {
            micros += switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1000L; // whole milliseconds
                case 2 -> random.nextInt(3) * 1_000_000L - 1_000_000L; // whole seconds, also backwards
                default -> random.nextInt(5_000_000) - 1_000_000;
            };
            if (random.nextInt(1000) == 0) micros = -micros; // before 1970
            assertThat(writer.time(micros)).as("%d us", micros).isEqualTo(EpochMicros.toInstant(micros).toString());
        }
    }

    @Test
    void eventsAreOneDataLineOfJsonEndedByABlankLine() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SseWriter writer = new SseWriter(out);
        writer.reading(12, 3, "boiler \"7\"\n", "temp", Tags.NONE, 1_000, 21.5);
        writer.comment("keep-alive");
        writer.flush();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("id: 12.3\nevent: reading\n"
                + "data: {\"sensor\":\"boiler \\\"7\\\"\\n\",\"metric\":\"temp\",\"ts\":\"1970-01-01T00:00:00.001Z\","
                + "\"value\":21.5}\n\n: keep-alive\n\n");
    }

    @Test
    void aReadingOfATaggedSeriesCarriesItsTags() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SseWriter writer = new SseWriter(out);
        writer.reading(1, 0, "cpu", "usage_idle", Tags.of(Map.of("host", "a \"b\"", "cpu", "cpu0")), 0, 1);
        writer.flush();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("id: 1.0\nevent: reading\n"
                + "data: {\"sensor\":\"cpu\",\"metric\":\"usage_idle\","
                + "\"tags\":{\"cpu\":\"cpu0\",\"host\":\"a \\\"b\\\"\"},"
                + "\"ts\":\"1970-01-01T00:00:00Z\",\"value\":1.0}\n\n");
    }

    /**
     * Readings of many series, each several times, mixed, more series than the writer's cache of series prefixes
     * holds: every data line is the JSON of exactly that reading (names with quotes, backslashes, line breaks and
     * non-ASCII; tags or none).
     */
    @Test
    void everyReadingIsItsOwnJsonWhateverTheSeriesBeforeIt(Random random) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        String[] pieces = {"a", "b\"", "c\\", "d\n", "é", "\u2028", "x y", "0"};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SseWriter writer = new SseWriter(out);
        List<Map<String, Object>> expected = new ArrayList<>();
        for (int i = 0; i < 25_000; i++) {
            int series = random.nextInt(12_000);
            // Series share sensors, metrics and tags with others: only the three together tell them apart.
            String sensor = "s" + series % 997 + pieces[series % pieces.length];
            String metric = "m" + series % 13 + pieces[(series / 8) % pieces.length];
            Map<String, String> tagMap = series % 3 == 0 ? Map.of()
                    : Map.of("k" + pieces[series % 5], "v" + series % 7);
            long micros = random.nextLong(4_000_000_000_000_000L);
            double value = random.nextInt(3) == 0 ? random.nextInt(1000) : random.nextGaussian() * 1e6;
            writer.reading(1, i, sensor, metric, Tags.of(tagMap), micros, value);
            Map<String, Object> reading = new LinkedHashMap<>();
            reading.put("sensor", sensor);
            reading.put("metric", metric);
            if (!tagMap.isEmpty()) reading.put("tags", tagMap);
            reading.put("ts", EpochMicros.toInstant(micros).toString());
            reading.put("value", value);
            expected.add(reading);
        }
        writer.flush();
        List<Map<String, Object>> written = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("data: ")) written.add(mapper.readValue(line.substring(6), new TypeReference<>() {}));
        }
        assertThat(written).isEqualTo(expected);
    }

    /** Feed events carry their position as the id, the whole position: a long row, an int index. */
    @Test
    void feedEventsHaveTheirPositionAsIdAndTheStreamsOwnEventsNone() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SseWriter writer = new SseWriter(out);
        writer.event("ready", Map.of("after", "7"));
        writer.feedEvent(9_000_000_000L, 2_000_000, "alert", "{\"event\":\"fired\"}");
        writer.flush();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("event: ready\ndata: {\"after\":\"7\"}\n\n"
                + "id: 9000000000.2000000\nevent: alert\ndata: {\"event\":\"fired\"}\n\n");
    }

    @Test
    void nothingReachesTheClientBeforeFlush() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SseWriter writer = new SseWriter(out);
        writer.reading(1, 0, "s", "m", Tags.NONE, 0, 1);
        assertThat(out.size()).isZero();
        writer.flush();
        assertThat(out.size()).isPositive();
    }
}
