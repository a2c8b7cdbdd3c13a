package io.tidemark.query;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.testing.LogCapture;
import io.tidemark.testing.TidemarkClient;
import io.tidemark.testing.TidemarkServerExtension;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code GET /api/v1/series} and {@code GET /api/v1/readings} over real HTTP and PostgreSQL. */
class LiveQueriesIT {
    private static final Instant BASE = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(10, ChronoUnit.MINUTES);
    private static final List<String> SENSORS = new ArrayList<>();
    @RegisterExtension
    static final TidemarkServerExtension server = TidemarkServerExtension.withDefaults();

    /** Runs once the extension has started the server. */
    @BeforeAll
    static void storeReadings() {
        IntStream.rangeClosed(1, 12).forEach(i -> SENSORS.add("boiler-" + i));
        SENSORS.addAll(List.of("boiler-ü", "boiler-", "boil", "Boiler-9", "pump-1", "boiler-\uD83C\uDF0A"));
        StringBuilder body = new StringBuilder("[");
        for (String sensor : SENSORS) {
            for (String metric : List.of("temperature", "pressure")) {
                body.append(String.format("{\"sensor\":\"%s\",\"metric\":\"%s\",\"value\":1},", sensor, metric));
            }
        }
        // Ten readings one second apart on one series, and an interleaved neighbour at the same instants.
        for (int i = 0; i < 10; i++) {
            long ts = BASE.plusSeconds(i).toEpochMilli();
            body.append(String.format("{\"sensor\":\"tank-1\",\"metric\":\"level\",\"ts\":%d,\"value\":%d},", ts, i));
            body.append(String.format("{\"sensor\":\"tank-2\",\"metric\":\"level\",\"ts\":%d,\"value\":%d},", ts, -i));
            body.append(String.format("{\"sensor\":\"tank-1\",\"ts\":%d,\"value\":%d},", ts, 100 + i));
        }
        body.setCharAt(body.length() - 1, ']');
        server.api().postJson(body.toString());
    }

    @Test
    void pagesThroughSeriesWithAPrefixWithoutGapsOrRepeats() {
        List<String> expected = SENSORS.stream().filter(s -> s.startsWith("boiler-"))
                .flatMap(s -> List.of(s + "/pressure", s + "/temperature").stream())
                .sorted(Comparator.comparing(s -> s.getBytes(StandardCharsets.UTF_8),
                        java.util.Arrays::compareUnsigned))
                .toList();
        List<String> seen = new ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            String after = next == null ? "" : "&after=" + next;
            JsonNode page = server.getJson("/api/v1/series?prefix=boiler-&limit=5" + after);
            assertThat(page.get("series").size()).isLessThanOrEqualTo(5);
            page.get("series").forEach(s -> seen.add(s.get("sensor").asText() + "/" + s.get("metric").asText()));
            next = page.get("next").isNull() ? null : page.get("next").asText();
            pages++;
        } while (next != null);
        assertThat(seen).isEqualTo(expected);
        assertThat(pages).isEqualTo((expected.size() + 4) / 5);
    }

    @Test
    void withoutPrefixListsEverySeriesOnce() {
        JsonNode page = server.getJson("/api/v1/series?limit=1000");
        assertThat(page.get("series").size()).isEqualTo(SENSORS.size() * 2 + 3);
        assertThat(page.get("next").isNull()).isTrue();
        JsonNode first = page.get("series").get(0);
        assertThat(first.get("sensor").asText()).isEqualTo("Boiler-9");
        assertThat(first.has("id")).isTrue();
        assertThat(Instant.parse(first.get("created_at").asText())).isAfter(BASE);
    }

    @Test
    void seriesParametersAreCheckedAndNamed() {
        assertProblems("/api/v1/series?limit=0", "limit");
        assertProblems("/api/v1/series?limit=1001", "limit");
        assertProblems("/api/v1/series?limit=ten&after=bogus!&prefx=b", "limit", "after", "prefx");
        assertProblems("/api/v1/series?prefix=", "prefix");
        assertProblems("/api/v1/series?prefix=a&prefix=b", "prefix");
    }

    @Test
    void readingsAreTheHalfOpenRangeInTimeOrder() {
        String from = BASE.plusSeconds(2).toString();
        long toMillis = BASE.plusSeconds(5).toEpochMilli();
        JsonNode answer =
                server.getJson("/api/v1/readings?sensor=tank-1&metric=level&from=" + from + "&to=" + toMillis);
        assertThat(values(answer)).containsExactly(2.0, 3.0, 4.0);
        assertThat(answer.get("readings").get(0).get("ts").asText()).isEqualTo(from);
        assertThat(answer.get("truncated").asBoolean()).isFalse();
        assertThat(answer.get("next_from").isNull()).isTrue();
        // the same bounds written the other way round
        JsonNode again = server.getJson("/api/v1/readings?sensor=tank-1&metric=level&from="
                + BASE.plusSeconds(2).toEpochMilli()
                + "&to=" + encode(BASE.plusSeconds(5).atOffset(java.time.ZoneOffset.ofHours(2)).toString()));
        assertThat(values(again)).containsExactly(2.0, 3.0, 4.0);
    }

    @Test
    void metricDefaultsToValueAndFromToAnHourAgo() {
        assertThat(values(server.getJson("/api/v1/readings?sensor=tank-1"))).hasSize(10).allMatch(v -> v >= 100);
    }

    @Test
    void limitTruncatesAndNextFromPagesOnWithoutGaps() {
        List<Double> all = new ArrayList<>();
        String from = BASE.toString();
        int pages = 0;
        while (true) {
            JsonNode page = server.getJson("/api/v1/readings?sensor=tank-2&metric=level&limit=3&from=" + from);
            all.addAll(values(page));
            pages++;
            if (!page.get("truncated").asBoolean()) break;
            assertThat(page.get("readings").size()).isEqualTo(3);
            from = page.get("next_from").asText();
        }
        assertThat(all).containsExactly(0.0, -1.0, -2.0, -3.0, -4.0, -5.0, -6.0, -7.0, -8.0, -9.0);
        assertThat(pages).isEqualTo(4);
    }

    @Test
    void readingsParametersAreCheckedAndNamed() {
        assertProblems("/api/v1/readings?from=2026-01-01", "sensor", "from");
        assertProblems("/api/v1/readings?sensor=tank-1&from=" + BASE.plusSeconds(5) + "&to=" + BASE, "to");
        assertProblems("/api/v1/readings?sensor=tank-1&limit=10001&to=later&sensors=x", "limit", "to", "sensors");
        HttpResponse<String> plus = server.get("/api/v1/readings?sensor=tank-1&from=2026-11-24T10:00:00+01:00");
        assertThat(plus.statusCode()).isEqualTo(400);
        assertThat(plus.body()).contains("%2B");
    }

    /** Any number of fraction digits, rounded to the microsecond as PostgreSQL rounds: 2.00000051 s is 2.000001 s. */
    @Test
    void timesWithMoreThanNineFractionDigitsAreRoundedToTheMicrosecond() {
        DateTimeFormatter seconds = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
        String from = seconds.format(BASE.plusSeconds(2)) + ".000000500000000001Z";
        String to = seconds.format(BASE.plusSeconds(4)) + ".9999995000Z";

        JsonNode answer = server.getJson("/api/v1/readings?sensor=tank-1&metric=level&from=" + from + "&to=" + to);

        assertThat(values(answer)).as("rounded up past the reading at +2 s, and to +5 s").containsExactly(3.0, 4.0);
        assertThat(answer.get("from").asText()).isEqualTo(BASE.plusSeconds(2).plusNanos(1000).toString());
    }

    /** Epoch milliseconds that overflow, or lie outside years 1 to 9999, are 400, never wrapped round to 1970. */
    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = {"-9223372036854775808", "9223372036854775807", "-9223372036854775807",
            "9223372036854776", "253402300800000", "-62135596800001", "99999999999999999999", "0000-12-31T23:59:59Z",
            "0001-01-01T00:00:00%2B00:01"})
    void timesOutOfRangeAreRejected(String from) {
        assertProblems("/api/v1/readings?sensor=tank-1&from=" + from, "from");
    }

    @Test
    void timesAtTheEdgesOfTheRangeAreAccepted() {
        JsonNode answer = server.getJson("/api/v1/readings?sensor=tank-1&from=-62135596800000&to=253402300799999");
        assertThat(values(answer)).hasSize(10);
    }

    static List<Arguments> parametersWithControlCharacters() {
        String cursor = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("tank\u0000\nlevel".getBytes(StandardCharsets.UTF_8));
        return List.of(
                Arguments.of("/api/v1/readings?sensor=tank%001", "sensor"),
                Arguments.of("/api/v1/readings?sensor=tank-1&metric=le%00vel", "metric"),
                Arguments.of("/api/v1/readings?sensor=tank%07", "sensor"),
                Arguments.of("/api/v1/series?prefix=boiler%00", "prefix"),
                Arguments.of("/api/v1/series?prefix=boiler%E2%80%8B", "prefix"),
                Arguments.of("/api/v1/series?after=" + cursor, "after"),
                Arguments.of("/api/v1/alerts?rule=hot%00", "rule"),
                Arguments.of("/api/v1/alerts?sensor=boiler-%00*", "sensor"),
                Arguments.of("/api/v1/alerts?metric=%0A", "metric"));
    }

    /**
     * A NUL or another control character in a parameter (or in a decoded cursor) is the client's error: 400 naming
     * the parameter, the code point named and not echoed, and nothing in the log that a request could grow it by.
     */
    @ParameterizedTest(name = "{displayName} [{0}]")
    @MethodSource("parametersWithControlCharacters")
    void controlCharactersInParametersAre400AndLogNoStackTrace(String path, String parameter) {
        try (LogCapture log = LogCapture.start()) {
            for (int i = 0; i < 5; i++) assertProblems(path, parameter);

            assertThat(log.withStackTraces()).as("events logged with a stack trace").isEmpty();
            assertThat(log.events()).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .as("warnings and errors logged for 5 bad requests").hasSizeLessThanOrEqualTo(5);
        }
        assertThat(server.get(path).body()).doesNotContain("\u0000").doesNotContain("\\u0000");
    }

    @Test
    void unknownSeriesIs404() {
        HttpResponse<String> answer = server.get("/api/v1/readings?sensor=tank-1&metric=nope");
        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(answer.body()).contains("no series with sensor 'tank-1', metric 'nope' and no tags");
    }

    private static void assertProblems(String path, String... parameters) {
        HttpResponse<String> answer = server.get(path);
        assertThat(answer.statusCode()).as(path).isEqualTo(400);
        JsonNode body = TidemarkClient.json(answer);
        List<String> named = new ArrayList<>();
        body.get("details").forEach(d -> named.add(d.get("parameter").asText()));
        assertThat(named).as(answer.body()).containsExactlyInAnyOrder(parameters);
        for (String p : parameters) assertThat(body.get("error").asText()).contains(p + ": ");
    }

    private static List<Double> values(JsonNode answer) {
        List<Double> values = new ArrayList<>();
        answer.get("readings").forEach(r -> values.add(r.get("value").asDouble()));
        return values;
    }


    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
