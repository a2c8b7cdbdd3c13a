package io.tidemark.ingest.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.names.Names;
import io.tidemark.names.Tags;
import io.tidemark.time.EpochMicros;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decode cases of the reference corpus (influxdata/line-protocol, vendored in part under
 * {@code src/test/resources/lineprotocol}): every valid case parses to its points, every invalid one is refused
 * naming its line. Where Tidemark decides differently on purpose, the expectation is Tidemark's rule applied to the
 * corpus' own data, each with the reason beside it.
 */
class LineProtocolConformanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One reading as the test compares them. */
    record Reading(String sensor, String metric, Map<String, String> tags, long micros, double value) {}

    static Stream<Arguments> decodeCases() throws IOException {
        try (InputStream in = LineProtocolConformanceTest.class.getResourceAsStream("/lineprotocol/corpus.json")) {
            JsonNode decode = JSON.readTree(in).get("decode");
            List<Arguments> cases = new ArrayList<>();
            decode.fields().forEachRemaining(e -> cases.add(Arguments.of(e.getKey(), e.getValue())));
            return cases.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decodeCases")
    void decodesAsTheReferenceCorpusSays(String key, JsonNode test) {
        JsonNode input = test.get("input");
        byte[] body = input.get("text").isTextual()
                ? input.get("text").asText().getBytes(StandardCharsets.UTF_8)
                : Base64.getDecoder().decode(input.get("text").get("binary").asText());
        Precision precision = switch (input.get("precision").asText()) {
            case "1ns" -> Precision.NANOSECONDS;
            case "1µs" -> Precision.MICROSECONDS;
            case "1ms" -> Precision.MILLISECONDS;
            case "1s" -> Precision.SECONDS;
            default -> throw new IllegalArgumentException(input.get("precision").asText());
        };
        // The corpus' default time is in ns; Tidemark's time of receipt is in µs (floored, as every timestamp).
        long now = Math.floorDiv(input.get("defaultTime").asLong(), 1000);
        TimeWindow anyTime = new TimeWindow(now, EpochMicros.MIN, EpochMicros.MAX, Duration.ZERO, Duration.ZERO);
        LineProtocolFormat format = new LineProtocolFormat(precision, Tags.NONE, StringFields.SKIP);
        JsonNode output = test.get("output");
        if (output.has("error") && body.length > 0 && (body[0] == '\t' || body[0] == 0)) {
            // InfluxDB servers (1.x and 2.x models.skipWhitespace) skip leading tabs and NULs, the reference decoder
            // refuses them: Tidemark follows the servers, so the line reads as it would without them.
            int start = 0;
            while (start < body.length && (body[start] == '\t' || body[start] == 0 || body[start] == ' ')) start++;
            byte[] stripped = Arrays.copyOfRange(body, start, body.length);
            assertThat(outcome(format, body, anyTime)).isEqualTo(outcome(format, stripped, anyTime));
            return;
        }
        String why = tidemarkRefuses(output);
        if (output.has("error") || why != null) {
            InvalidReadingsException e = catchThrowableOfType(InvalidReadingsException.class,
                    () -> format.parse(new ByteArrayInputStream(body), anyTime));
            assertThat(e).as("refused: %s", output.has("error") ? output.get("error").asText() : why).isNotNull();
            assertThat(e.problems()).allSatisfy(p -> {
                assertThat(p.line()).isNotNull().isPositive();
                assertThat(p.index()).isEqualTo(p.line() - 1);
                assertThat(p.message()).startsWith("unable to parse '");
            });
            return;
        }
        List<Reading> expected = new ArrayList<>();
        int strings = 0;
        for (JsonNode point : output.get("result")) {
            Map<String, String> tags = new LinkedHashMap<>();
            point.get("tags").forEach(t -> tags.put(t.get("key").asText(), t.get("value").asText()));
            long micros = Math.floorDiv(point.get("time").asLong(), 1000); // sub-µs digits are dropped
            // A repeated field key: the reference decoder returns both, InfluxDB servers keep the last one.
            Map<String, Double> fields = new LinkedHashMap<>();
            for (JsonNode field : point.get("fields")) {
                JsonNode v = field.get("value");
                if (v.has("string")) { // Tidemark stores numbers: string fields are skipped and counted
                    strings++;
                    continue;
                }
                double value = v.has("bool") ? (v.get("bool").asBoolean() ? 1 : 0) : v.elements().next().asDouble();
                fields.put(field.get("key").asText(), value);
            }
            fields.forEach((k, v) -> expected.add(new Reading(point.get("name").asText(), k, tags, micros, v)));
        }
        ParsedReadings r;
        try {
            r = format.parse(new ByteArrayInputStream(body), anyTime);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        List<Reading> actual = new ArrayList<>();
        for (int i = 0; i < r.count(); i++) {
            actual.add(new Reading(r.sensors()[i], r.metrics()[i], r.tags()[i].toMap(), r.timestamps()[i],
                    r.values()[i]));
        }
        assertThat(actual).usingRecursiveFieldByFieldElementComparatorIgnoringFields("tags")
                .containsExactlyElementsOf(expected);
        for (int i = 0; i < actual.size(); i++) {
            assertThat(actual.get(i).tags()).containsExactlyInAnyOrderEntriesOf(expected.get(i).tags());
        }
        assertThat(r.skipped()).isEqualTo(strings);
    }

    static Stream<Arguments> influxdb1Cases() throws IOException {
        try (InputStream in = LineProtocolConformanceTest.class.getResourceAsStream(
                "/lineprotocol/influxdb1-points.json")) {
            List<Arguments> cases = new ArrayList<>();
            JSON.readTree(in).get("cases").forEach(c -> cases.add(Arguments.of(c.get("input").asText(), c)));
            return cases.stream();
        }
    }

    /** InfluxDB 1.x's own parser tests: what it accepts Tidemark accepts, what it refuses Tidemark refuses. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("influxdb1Cases")
    void acceptsAndRefusesAsInfluxDb1(String line, JsonNode test) throws IOException {
        // A case Tidemark decides otherwise on purpose says so in the data ("tidemark", "why").
        String expected = test.has("tidemark") ? test.get("tidemark").asText() : test.get("influxdb").asText();
        LineProtocolFormat format = new LineProtocolFormat(Precision.NANOSECONDS, Tags.NONE, StringFields.SKIP);
        TimeWindow anyTime = new TimeWindow(0, EpochMicros.MIN, EpochMicros.MAX, Duration.ZERO, Duration.ZERO);
        String outcome = outcome(format, line.getBytes(StandardCharsets.UTF_8), anyTime);
        if (expected.equals("valid")) {
            assertThat(outcome).as("go line %s", test.get("goLine")).isNotEqualTo("refused").isNotEmpty();
        } else {
            assertThat(outcome).as("go line %s", test.get("goLine")).isEqualTo("refused");
        }
    }

    /** The readings parsed from {@code body}, or the problems found, as text to compare. */
    private static String outcome(LineProtocolFormat format, byte[] body, TimeWindow window) {
        try {
            ParsedReadings r = format.parse(new ByteArrayInputStream(body), window);
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < r.count(); i++) {
                out.append(r.sensors()[i]).append(' ').append(r.metrics()[i]).append(' ').append(r.tags()[i])
                        .append(' ').append(r.timestamps()[i]).append(' ').append(r.values()[i]).append('\n');
            }
            return out.toString();
        } catch (InvalidReadingsException e) {
            return "refused";
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Why Tidemark refuses a body the reference decoder accepts, or null: its name rule (no control, invisible or
     * unassigned characters, lengths, at most 64 tags) refuses the measurement, a tag or a field key.
     */
    private static String tidemarkRefuses(JsonNode output) {
        if (output.has("error")) return null;
        for (JsonNode point : output.get("result")) {
            if (Names.problem(point.get("name").asText()) != null) return "measurement breaks the name rule";
            if (point.get("tags").size() > Tags.MAX_TAGS) return "too many tags";
            for (JsonNode t : point.get("tags")) {
                if (Tags.keyProblem(t.get("key").asText()) != null) return "tag key breaks the name rule";
                if (Tags.valueProblem(t.get("value").asText()) != null) return "tag value breaks the name rule";
            }
            for (JsonNode f : point.get("fields")) {
                if (Names.problem(f.get("key").asText()) != null) return "field key breaks the name rule";
            }
        }
        return null;
    }
}
