package io.tidemark.http;

import static io.tidemark.testing.Bodies.JSON;
import static io.tidemark.testing.Bodies.NDJSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.testing.Bodies;
import io.tidemark.testing.RandomReadings;
import io.tidemark.testing.RandomSeed;
import io.tidemark.testing.Reading;
import io.tidemark.testing.TidemarkClient;
import io.tidemark.testing.TidemarkServerExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A request with any bad reading is answered 400 listing every problem (index, line, field), and stores nothing of
 * the request; the server carries on serving.
 */
@ExtendWith(RandomSeed.class)
class InvalidReadingsIT {
    @RegisterExtension
    static final TidemarkServerExtension server = TidemarkServerExtension.withDefaults();

    @AfterEach
    void serverStaysHealthy() {
        server.assertHealthy();
    }

    /** One thing wrong with a reading, the field the server must blame, and what its message must say. */
    private enum Defect {
        VALUE_IS_NAN_STRING("value", "got a string",
                s -> "{\"sensor\":\"" + s + "\",\"value\":\"NaN\"}"),
        VALUE_IS_NUMERIC_STRING("value", null,
                s -> "{\"sensor\":\"" + s + "\",\"value\":\"21.5\"}"),
        VALUE_OVERFLOWS_DOUBLE("value", "1e999",
                s -> "{\"sensor\":\"" + s + "\",\"value\":1e999}"),
        VALUE_UNDERFLOWS_NEGATIVE("value", null,
                s -> "{\"sensor\":\"" + s + "\",\"value\":-1e999}"),
        VALUE_IS_NULL("value", null,
                s -> "{\"sensor\":\"" + s + "\",\"value\":null}"),
        VALUE_IS_MISSING("value", null,
                s -> "{\"sensor\":\"" + s + "\"}"),
        SENSOR_IS_MISSING("sensor", null,
                s -> "{\"value\":1}"),
        SENSOR_IS_NUMBER("sensor", null,
                s -> "{\"sensor\":42,\"value\":1}"),
        SENSOR_HAS_CONTROL_CHARACTER("sensor", "U+0007",
                s -> "{\"sensor\":\"" + s + "\\u0007\",\"value\":1}"),
        SENSOR_HAS_NEWLINE("sensor", "U+000A",
                s -> "{\"sensor\":\"" + s + "\\n\",\"value\":1}"),
        SENSOR_HAS_NUL("sensor", "U+0000",
                s -> "{\"sensor\":\"" + s + "\\u0000\",\"value\":1}"),
        METRIC_HAS_ZERO_WIDTH_SPACE("metric", "U+200B",
                s -> "{\"sensor\":\"" + s + "\",\"metric\":\"temp\\u200Berature\",\"value\":1}"),
        SENSOR_TOO_LONG("sensor", "201 characters",
                s -> "{\"sensor\":\"" + "s".repeat(201) + "\",\"value\":1}"),
        METRIC_TOO_LONG("metric", null,
                s -> "{\"sensor\":\"" + s + "\",\"metric\":\"" + "m".repeat(201) + "\",\"value\":1}"),
        METRIC_IS_EMPTY("metric", null,
                s -> "{\"sensor\":\"" + s + "\",\"metric\":\"\",\"value\":1}"),
        UNKNOWN_FIELD("unit", "unknown field",
                s -> "{\"sensor\":\"" + s + "\",\"value\":1,\"unit\":\"C\"}"),
        TS_TOO_OLD("ts", "ingest.max_age",
                s -> "{\"sensor\":\"" + s + "\",\"ts\":\"" + Instant.now().minus(Duration.ofDays(31))
                        + "\",\"value\":1}"),
        TS_TOO_FAR_AHEAD("ts", "ingest.max_future",
                s -> "{\"sensor\":\"" + s + "\",\"ts\":" + Instant.now().plus(Duration.ofHours(2))
                        .toEpochMilli() + ",\"value\":1}"),
        TS_IN_EPOCH_SECONDS("ts", null,
                s -> "{\"sensor\":\"" + s + "\",\"ts\":" + Instant.now().getEpochSecond()
                        + ",\"value\":1}"),
        TS_IS_NOT_A_TIME("ts", null,
                s -> "{\"sensor\":\"" + s + "\",\"ts\":\"yesterday\",\"value\":1}");

        final String field;
        /** What the problem's message must contain; null where any message (never a blank one) will do. */
        final String message;
        final Function<String, String> json;

        Defect(String field, String message, Function<String, String> json) {
            this.field = field;
            this.message = message;
            this.json = json;
        }
    }

    /** What the server must report for one bad reading. */
    private record Expected(int index, int line, String field) {}

    private static Expected detail(JsonNode d) {
        assertThat(d.path("message").asText()).as("message of %s", d).isNotBlank();
        return new Expected(d.path("index").asInt(-1), d.path("line").asInt(-1), d.path("field").asText(null));
    }

    /** Counts of everything a request could have stored. */
    private static List<Long> storedCounts() {
        return List.of(server.queryLong("SELECT count(*) FROM readings"),
                server.queryLong("SELECT count(*) FROM series"),
                server.queryLong("SELECT count(*) FROM idempotency_keys"));
    }

    /** Posts {@code body} and checks the answer is 400 and nothing was stored; returns the error JSON. */
    private static JsonNode rejected(String contentType, String body) {
        List<Long> before = storedCounts();
        HttpResponse<String> response = server.api().postReadings(contentType, body,
                "Idempotency-Key", "invalid-" + System.nanoTime());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/json"));
        assertThat(storedCounts()).as("readings, series and keys after a rejected request").isEqualTo(before);
        JsonNode error = TidemarkClient.json(response);
        assertThat(error.path("error").asText()).contains("nothing was stored");
        return error;
    }

    /** A good reading followed by one with {@code defect}, as NDJSON; checks the one problem reported. */
    private static JsonNode rejectedDefect(Defect defect) {
        String body = Bodies.ndjson(List.of("{\"sensor\":\"good\",\"value\":1}", defect.json.apply("bad")));
        JsonNode error = rejected(NDJSON, body);
        assertThat(error.path("details")).hasSize(1);
        assertThat(detail(error.path("details").get(0))).isEqualTo(new Expected(1, 2, defect.field));
        assertThat(error.path("problem_count").asInt()).isEqualTo(1);
        return error.path("details").get(0);
    }

    @Test
    void rejectsMalformedJson() {
        JsonNode error = rejected(JSON, "[{\"sensor\":\"a\",\"value\":1},\n{\"sensor\":\"b\",\"value\":}]");

        JsonNode detail = error.path("details").get(0);
        assertThat(detail.path("index").asInt()).isEqualTo(1);
        assertThat(detail.path("line").asInt()).isEqualTo(2);
        assertThat(detail.path("message").asText()).startsWith("malformed JSON at line 2");
    }

    @Test
    void rejectsTruncatedBody() {
        JsonNode error = rejected(JSON, "[{\"sensor\":\"a\",\"value\":1},{\"sensor\":\"b\",\"va");

        assertThat(error.path("details").get(0).path("message").asText()).startsWith("malformed JSON");
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = {"NaN", "Infinity", "-Infinity"})
    void rejectsNaNAndInfinityLiterals(String literal) {
        JsonNode error = rejected(JSON, "{\"sensor\":\"a\",\"value\":" + literal + "}");
        assertThat(error.path("details").get(0).path("message").asText()).as(literal).startsWith("malformed JSON");
    }

    /**
     * Bad values, strings for numbers, missing and null fields, unknown fields, control characters, names that are
     * empty or over 200 characters, timestamps too old, too far ahead, in epoch seconds or not times at all.
     */
    @ParameterizedTest(name = "{displayName} [{0}]")
    @EnumSource(Defect.class)
    void rejectsReadingWithDefectNamingIndexLineAndField(Defect defect) {
        String message = rejectedDefect(defect).path("message").asText();

        if (defect.message != null) assertThat(message).contains(defect.message);
    }

    /**
     * No-break spaces, zero-width characters, bidirectional controls and line/paragraph separators: alone, a name of
     * one is blank or invisible; inside a name, it makes two names that look alike differ. The message names the code
     * point, never shows it.
     */
    @ParameterizedTest(name = "{displayName} [U+{0}]")
    @ValueSource(strings = {"00A0", "2007", "202F", "200B", "200C", "200D", "2060", "FEFF", "202A", "202B", "202C",
            "202D", "202E", "2066", "2067", "2068", "2069", "2028", "2029"})
    void rejectsNamesWithInvisibleCharacters(String hex) {
        String escaped = "\\u" + hex;
        String invisible = new String(Character.toChars(Integer.parseInt(hex, 16)));
        JsonNode alone = rejected(JSON, "{\"sensor\":\"" + escaped + "\",\"value\":1}").path("details").get(0);
        JsonNode inside = rejected(JSON, "{\"sensor\":\"ok\",\"metric\":\"temp" + escaped + "erature\",\"value\":1}")
                .path("details").get(0);

        assertThat(alone.path("field").asText()).isEqualTo("sensor");
        assertThat(alone.path("message").asText()).containsAnyOf("U+" + hex, "blank").doesNotContain(invisible);
        assertThat(inside.path("field").asText()).isEqualTo("metric");
        assertThat(inside.path("message").asText()).contains("U+" + hex + " ").doesNotContain(invisible);
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = {"Kessel-Süd", "温度", "boiler 7", "température-🌡", "Ελληνικά", "e\u0301t\u00e9", "a/b:c=d"})
    void acceptsVisibleNamesInAnyScript(String name) {
        String sensor = name + "-" + System.nanoTime();
        HttpResponse<String> response = server.api().postReadings(JSON,
                "{\"sensor\":\"" + sensor + "\",\"metric\":\"" + name + "\",\"value\":1}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(server.database().readings(sensor)).hasSize(1);
    }

    @Test
    void acceptsNamesOfExactly200Characters() {
        String sensor = "long-" + "é".repeat(195);
        HttpResponse<String> response = server.api().postReadings(JSON,
                "{\"sensor\":\"" + sensor + "\",\"metric\":\"" + "m".repeat(200) + "\",\"value\":1}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(server.database().readings(sensor)).hasSize(1);
    }

    @Test
    void storesNothingWhenOneReadingAmongManyIsBad(Random random) {
        int count = 100 + random.nextInt(3000);
        int bad = random.nextInt(count);
        Defect defect = Defect.values()[random.nextInt(Defect.values().length)];
        List<String> objects = new ArrayList<>(Bodies.json(new RandomReadings(random, "one-bad-").next(count),
                Reading.TimestampStyle.RFC3339));
        objects.set(bad, defect.json.apply("one-bad-x"));

        JsonNode error = rejected(NDJSON, Bodies.ndjson(objects));

        assertThat(error.path("details")).hasSize(1);
        assertThat(detail(error.path("details").get(0))).isEqualTo(new Expected(bad, bad + 1, defect.field));
        assertThat(server.database().readings("one-bad-")).isEmpty();
    }

    @Test
    void listsEveryBadReadingWithIndexLineAndField(Random random) {
        int count = 20 + random.nextInt(400);
        double badShare = random.nextDouble() * 0.6;
        boolean array = random.nextBoolean();
        List<Reading> good = new RandomReadings(random, "many-bad-").next(count);
        List<String> objects = new ArrayList<>();
        List<Expected> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (random.nextDouble() < badShare || i == count / 2) {
                Defect defect = Defect.values()[random.nextInt(Defect.values().length)];
                objects.add(defect.json.apply("many-bad-x"));
                expected.add(new Expected(i, array ? i + 2 : i + 1, defect.field));
            } else {
                objects.add(good.get(i).toJson(Reading.TimestampStyle.RFC3339));
            }
        }

        JsonNode error = rejected(array ? JSON : NDJSON, array ? Bodies.array(objects) : Bodies.ndjson(objects));

        List<Expected> reported = new ArrayList<>();
        error.path("details").forEach(d -> reported.add(detail(d)));
        assertThat(reported).containsExactlyElementsOf(expected.subList(0, Math.min(100, expected.size())));
        assertThat(error.path("problem_count").asInt()).isEqualTo(expected.size());
        assertThat(server.database().readings("many-bad-")).isEmpty();
    }

    @Test
    void boundsDetailsToTheFirstHundredButCountsEveryProblem() {
        List<String> objects = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            objects.add(i % 6 == 5 ? "{\"sensor\":\"bounded\",\"value\":1}" : Defect.UNKNOWN_FIELD.json.apply("b"));
        }

        JsonNode error = rejected(JSON, Bodies.array(objects));

        assertThat(error.path("details")).hasSize(100);
        assertThat(error.path("problem_count").asInt()).isEqualTo(250);
        assertThat(detail(error.path("details").get(99)).index()).isEqualTo(118); // 5 of every 6 are bad
    }

    @Test
    void storesNothingOfAGzippedRequestWithABadReading(Random random) {
        List<String> objects = new ArrayList<>(Bodies.json(new RandomReadings(random, "gz-bad-").next(500),
                Reading.TimestampStyle.EPOCH_MILLIS));
        objects.set(random.nextInt(500), Defect.TS_TOO_OLD.json.apply("gz-bad-x"));
        List<Long> before = storedCounts();

        HttpResponse<String> response = server.api().postReadings(NDJSON, Bodies.gzip(Bodies.ndjson(objects)),
                "Content-Encoding", "gzip");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(TidemarkClient.json(response).path("details").get(0).path("field").asText()).isEqualTo("ts");
        assertThat(storedCounts()).isEqualTo(before);
    }
}
