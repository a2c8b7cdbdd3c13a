package io.tidemark.ingest.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tidemark.config.TidemarkConfig;
import io.tidemark.names.Tags;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonReadingFormatTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final long NOW_MICROS = NOW.getEpochSecond() * 1_000_000L;
    private static final JsonReadingFormat JSON = new JsonReadingFormat(JsonReadingFormat.Layout.DOCUMENT);
    private static final JsonReadingFormat NDJSON = new JsonReadingFormat(JsonReadingFormat.Layout.LINES);

    private ParsedReadings parse(String body, JsonReadingFormat format) throws IOException {
        return format.parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)),
                TimeWindow.at(NOW, TidemarkConfig.defaults().ingest()));
    }

    private InvalidReadingsException rejected(String body, JsonReadingFormat format) {
        return catchThrowableOfType(InvalidReadingsException.class, () -> parse(body, format));
    }

    @Test
    void parsesOneObjectWithAllFields() throws IOException {
        ParsedReadings r = parse("""
                {"sensor":"boiler-7","metric":"temperature","ts":"2026-11-25T10:00:00.123Z","value":21.5}""",
                JSON);
        assertThat(r.count).isEqualTo(1);
        assertThat(r.sensors[0]).isEqualTo("boiler-7");
        assertThat(r.metrics[0]).isEqualTo("temperature");
        assertThat(r.timestamps[0]).isEqualTo(Instant.parse("2026-11-25T10:00:00.123Z").toEpochMilli() * 1000);
        assertThat(r.values[0]).isEqualTo(21.5);
    }

    @Test
    void readsTagsAsOneSetWhateverTheirOrder() throws IOException {
        ParsedReadings r = parse("""
                [{"sensor":"cpu","metric":"usage","tags":{"host":"a","region":"eu"},"value":1},
                 {"sensor":"cpu","metric":"usage","tags":{"region":"eu","host":"a"},"value":2},
                 {"sensor":"cpu","metric":"usage","value":3}]""", JSON);
        assertThat(r.tags[0]).isEqualTo(Tags.of(Map.of("host", "a", "region", "eu"))).isEqualTo(r.tags[1]);
        assertThat(r.tags[2]).isSameAs(Tags.NONE);
    }

    @Test
    void reportsTagsThatAreNotAnObjectOfValidStrings() {
        InvalidReadingsException e = rejected("""
                {"sensor":"a","value":1,"tags":["host"]}
                {"sensor":"a","value":1,"tags":{"host":7}}
                {"sensor":"a","value":1,"tags":{"host":""}}
                {"sensor":"a","value":1,"tags":{"host":"a","host":"b"}}
                """, NDJSON);
        assertThat(e.problems()).containsExactly(
                new ReadingProblem(0, 1, "tags", "must be an object of string values, got an array"),
                new ReadingProblem(1, 2, "tags", "value of tag 'host' must be a string, got a number"),
                new ReadingProblem(2, 3, "tags", "value of tag 'host' must not be empty"),
                new ReadingProblem(3, 4, "tags", "tag key 'host' appears twice"));
    }

    @Test
    void defaultsMetricToValueAndTimestampToReceipt() throws IOException {
        ParsedReadings r = parse("[{\"sensor\":\"a\",\"value\":1}]", JSON);
        assertThat(r.metrics[0]).isEqualTo("value");
        assertThat(r.timestamps[0]).isEqualTo(NOW_MICROS);
    }

    @Test
    void readsEpochMillisecondTimestamps() throws IOException {
        long millis = NOW.toEpochMilli() - 5000;
        ParsedReadings r = parse("{\"sensor\":\"a\",\"ts\":" + millis + ",\"value\":-3}", JSON);
        assertThat(r.timestamps[0]).isEqualTo(millis * 1000);
        assertThat(r.values[0]).isEqualTo(-3.0);
    }

    @Test
    void roundsTimestampsOfAnyPrecisionToTheMicrosecond() throws IOException {
        ParsedReadings r = parse("[{\"sensor\":\"a\",\"ts\":\"2026-11-25T10:00:00.12345650000000000001Z\",\"value\":1},"
                + "{\"sensor\":\"a\",\"ts\":\"2026-11-25T10:00:00.1234565Z\",\"value\":1}]", JSON);
        long second = Instant.parse("2026-11-25T10:00:00Z").getEpochSecond() * 1_000_000L;
        assertThat(r.timestamps[0]).isEqualTo(second + 123_457);
        assertThat(r.timestamps[1]).as("a tie goes to the even microsecond").isEqualTo(second + 123_456);
    }

    /** Long.MIN_VALUE milliseconds used to wrap round to 1970 (and be blamed on ingest.max_age). */
    @Test
    void rejectsEpochMillisecondsThatWouldOverflow() {
        InvalidReadingsException e = rejected("[{\"sensor\":\"a\",\"ts\":-9223372036854775808,\"value\":1},"
                + "{\"sensor\":\"a\",\"ts\":9223372036854775807,\"value\":1},"
                + "{\"sensor\":\"a\",\"ts\":92233720368547758070,\"value\":1}]", JSON);
        assertThat(e.problems()).extracting(ReadingProblem::message).allSatisfy(m ->
                assertThat(m).startsWith("epoch milliseconds out of range").contains("9999-12-31T23:59:59.999999Z"));
        assertThat(e.problems()).hasSize(3);
    }

    @Test
    void parsesArraysAndNdjsonAlike() throws IOException {
        ParsedReadings array = parse("[{\"sensor\":\"a\",\"value\":1},{\"sensor\":\"b\",\"value\":2}]",
                JSON);
        ParsedReadings lines = parse("{\"sensor\":\"a\",\"value\":1}\n\n{\"sensor\":\"b\",\"value\":2}\n",
                NDJSON);
        assertThat(array.count).isEqualTo(2);
        assertThat(lines.count).isEqualTo(2);
        assertThat(lines.sensors[1]).isEqualTo(array.sensors[1]);
        assertThat(lines.values[1]).isEqualTo(array.values[1]);
    }

    @Test
    void reportsEveryProblemWithIndexFieldAndLine() {
        InvalidReadingsException e = rejected("""
                {"sensor":"ok","value":1}
                {"sensor":"","value":"x"}
                {"value":2,"color":"red"}
                """, NDJSON);
        assertThat(e.problems()).containsExactly(
                new ReadingProblem(1, 2, "sensor", "must not be empty"),
                new ReadingProblem(1, 2, "value", "must be a finite number, got a string"),
                new ReadingProblem(2, 3, "color", "unknown field; a reading has sensor, metric, tags, ts and value"),
                new ReadingProblem(2, 3, "sensor", "is required"));
        assertThat(e.problemCount()).isEqualTo(4);
    }

    @Test
    void rejectsNaNInfinityAndOutOfRangeNumbers() {
        assertThat(rejected("{\"sensor\":\"a\",\"value\":NaN}", JSON).problems().get(0).message())
                .startsWith("malformed JSON at line 1");
        assertThat(rejected("{\"sensor\":\"a\",\"value\":1e999}", JSON).problems().get(0).message())
                .contains("1e999 is out of range");
        assertThat(rejected("{\"sensor\":\"a\",\"value\":null}", JSON).problems().get(0).message())
                .isEqualTo("must be a finite number, got null");
    }

    @Test
    void rejectsTimestampsOutsideTheWindow() {
        InvalidReadingsException e = rejected("""
                [{"sensor":"a","ts":"2026-10-01T00:00:00Z","value":1},
                 {"sensor":"a","ts":"2026-11-25T14:00:00Z","value":1},
                 {"sensor":"a","ts":1764072000,"value":1},
                 {"sensor":"a","ts":"yesterday","value":1},
                 {"sensor":"a","ts":1.5,"value":1}]""", JSON);
        assertThat(e.problems()).extracting(ReadingProblem::index).containsExactly(0, 1, 2, 3, 4);
        assertThat(e.problems()).extracting(ReadingProblem::field).containsOnly("ts");
        assertThat(e.problems().get(0).message()).contains("older than ingest.max_age (30d)");
        assertThat(e.problems().get(1).message()).contains("ahead of the server clock");
        assertThat(e.problems().get(2).message()).contains("epoch milliseconds");
        assertThat(e.problems().get(3).message()).contains("not an RFC 3339 timestamp");
        assertThat(e.problems().get(4).message()).contains("got a number");
    }

    @Test
    void rejectsControlCharactersAndOverlongNames() {
        InvalidReadingsException e = rejected("[{\"sensor\":\"a\\u0000b\",\"value\":1},"
                + "{\"sensor\":\"" + "x".repeat(201) + "\",\"value\":1},"
                + "{\"sensor\":\"ok\",\"metric\":\"\\ud800\",\"value\":1}]", JSON);
        assertThat(e.problems()).extracting(ReadingProblem::message).containsExactly(
                "contains U+0000 NULL at position 1: a control character",
                "is 201 characters long; at most 200 are allowed",
                "contains U+D800 HIGH SURROGATES D800 at position 0: half of a surrogate pair");
    }

    @Test
    void acceptsUnicodeNamesUpToTheLimit() throws IOException {
        String name = "température-🌡".repeat(10) + "é".repeat(60);
        ParsedReadings r = parse("{\"sensor\":\"" + name + "\",\"value\":1}", JSON);
        assertThat(r.sensors[0]).isEqualTo(name);
    }

    @Test
    void rejectsDuplicateFieldsAndNonObjects() {
        InvalidReadingsException e = rejected("[{\"sensor\":\"a\",\"value\":1,\"value\":2}, 5, [1]]",
                JSON);
        assertThat(e.problems()).extracting(ReadingProblem::message).containsExactly(
                "appears more than once", "expected a reading object, got a number",
                "expected a reading object, got an array");
    }

    @Test
    void boundsReportedProblemsButCountsThemAll() {
        String body = "[" + "{\"value\":1},".repeat(299) + "{\"value\":1}]";
        InvalidReadingsException e = rejected(body, JSON);
        assertThat(e.problems()).hasSize(ReadingProblems.MAX_REPORTED);
        assertThat(e.problemCount()).isEqualTo(300);
    }

    @Test
    void reportsWhereMalformedJsonBreaks() {
        InvalidReadingsException e = rejected("[{\"sensor\":\"a\",\"value\":1},\n{\"sensor\":\"b\",\"value\":}]",
                JSON);
        ReadingProblem p = e.problems().get(0);
        assertThat(p.index()).isEqualTo(1);
        assertThat(p.line()).isEqualTo(2);
        assertThat(p.message()).startsWith("malformed JSON at line 2");
    }

    @Test
    void rejectsTruncatedArray() {
        InvalidReadingsException e = rejected("[{\"sensor\":\"a\",\"value\":1},", JSON);
        assertThat(e.problems().get(0).message()).startsWith("malformed JSON");
        assertThat(e.problems().get(0).index()).isEqualTo(1);
    }

    @Test
    void rejectsEmptyJsonBodyAndTrailingContent() {
        assertThat(rejected("", JSON).problems().get(0).message()).contains("body is empty");
        assertThat(rejected("{\"sensor\":\"a\",\"value\":1} {\"sensor\":\"a\",\"value\":1}", JSON)
                .problems().get(0).message()).contains("unexpected content after the first object");
    }

    @Test
    void emptyNdjsonBodyHasNoReadings() throws IOException {
        assertThat(parse("\n\n", NDJSON).count).isZero();
    }
}
