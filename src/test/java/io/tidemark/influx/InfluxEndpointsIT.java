package io.tidemark.influx;

import static io.tidemark.influx.InfluxHttp.v1Error;
import static io.tidemark.influx.InfluxHttp.v2Error;
import static io.tidemark.influx.InfluxHttp.written;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.testing.Bodies;
import io.tidemark.testing.Metrics;
import io.tidemark.testing.TidemarkClient;
import io.tidemark.testing.TidemarkServerExtension;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * InfluxDB's write, ping and query endpoints as clients see them: precisions to the microsecond, db as a tag, the
 * 1.x and 2.x error shapes (with their headers) for every kind of refusal, and nothing stored from a bad body.
 */
@Timeout(60)
class InfluxEndpointsIT {
    private static final int MAX_BODY_BYTES = 64 * 1024;
    @RegisterExtension
    static final TidemarkServerExtension server =
            TidemarkServerExtension.withConfig("ingest:\n  max_body_bytes: " + MAX_BODY_BYTES + "\n");

    private InfluxHttp influx;
    private String db;

    @BeforeEach
    void names() {
        influx = new InfluxHttp(server.get());
        db = "db" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** An instant an hour ago, whole in {@code unit}: a value every precision can state exactly. */
    private static Instant anHourAgo(ChronoUnit unit) {
        return Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(unit);
    }

    @ParameterizedTest(name = "{0}?precision={1}")
    @CsvSource({"/write?db=%s,,NANOS", "/write?db=%s&precision=n,n,NANOS", "/write?db=%s&precision=ns,ns,NANOS",
            "/write?db=%s&precision=u,u,MICROS", "/write?db=%s&precision=ms,ms,MILLIS",
            "/write?db=%s&precision=s,s,SECONDS", "/write?db=%s&precision=m,m,MINUTES",
            "/write?db=%s&precision=h,h,HOURS", "/api/v2/write?bucket=%s,,NANOS",
            "/api/v2/write?org=o&bucket=%s&precision=ns,ns,NANOS",
            "/api/v2/write?orgID=1&bucket=%s&precision=us,us,MICROS",
            "/api/v2/write?bucket=%s/autogen&precision=ms,ms,MILLIS", "/api/v2/write?bucket=%s&precision=s,s,SECONDS"})
    void precisionGivesTheTimestampToTheMicrosecond(String path, String precision, ChronoUnit unit) {
        Instant at = anHourAgo(unit).plusNanos(unit == ChronoUnit.NANOS ? 123_456_789 % 1000 + 4000 : 0);
        long seconds = at.getEpochSecond();
        long value = switch (unit) {
            case NANOS -> seconds * 1_000_000_000L + at.getNano();
            case MICROS -> seconds * 1_000_000L + at.getNano() / 1000;
            case MILLIS -> at.toEpochMilli();
            case SECONDS -> seconds;
            case MINUTES -> seconds / 60;
            default -> seconds / 3600;
        };

        written(influx.post(String.format(path, db), "cpu,host=a usage=1.5 " + value + "\n",
                "Content-Type", "text/plain; charset=utf-8"));

        long expectedMicros = seconds * 1_000_000L + at.getNano() / 1000;
        assertThat(influx.rows(db)).containsExactly(List.of("cpu", "usage",
                "{\"db\": \"" + db + "\", \"host\": \"a\"}", Long.toString(expectedMicros), "1.5"));
    }

    @Test
    void aLinesOwnDbTagWinsOverTheDatabaseItWasSentTo() {
        String other = db + "own";
        written(influx.post("/write?db=" + db, "m,db=" + other + " v=1\nm v=2\n"));

        assertThat(influx.rows(other)).extracting(r -> Double.parseDouble(r.get(4))).containsExactly(1.0);
        assertThat(influx.rows(db)).extracting(r -> Double.parseDouble(r.get(4))).containsExactly(2.0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "application/x-www-form-urlencoded", "text/plain; charset=utf-8",
            "application/octet-stream"})
    void anyContentTypeIsLineProtocol(String contentType) {
        String[] headers = contentType.isEmpty() ? new String[0] : new String[] {"Content-Type", contentType};
        written(influx.post("/write?db=" + db + "&rp=autogen&consistency=one&precision=s",
                "m v=1 " + Instant.now().getEpochSecond() + "\n", headers));

        assertThat(influx.count(db)).isEqualTo(1);
    }

    @Test
    void stringFieldsAreSkippedAndCounted() {
        double before = Metrics.value(server.get(), "tidemark_readings_skipped_total{reason=\"string_field\"}");

        HttpResponse<String> answer = written(influx.post("/write?db=" + db,
                "m,host=a v=1,status=\"ok\",note=\"x y\"\nm only=\"text\"\n"));

        assertThat(answer.headers().firstValue("X-Tidemark-Skipped-Fields")).hasValue("3");
        assertThat(influx.rows(db)).extracting(r -> r.get(1)).containsExactly("v");
        assertThat(Metrics.value(server.get(), "tidemark_readings_skipped_total{reason=\"string_field\"}"))
                .isEqualTo(before + 3);
    }

    @Test
    void emptyBodyAndOnlyStringFieldsAre204() {
        written(influx.post("/write?db=" + db, ""));
        HttpResponse<String> strings = written(influx.post("/api/v2/write?bucket=" + db, "m s=\"a\""));

        assertThat(strings.headers().firstValue("X-Tidemark-Skipped-Fields")).hasValue("1");
        assertThat(influx.count(db)).isZero();
    }

    @Test
    void aBodyWithEveryTimestampIsStoredOnceHoweverOftenItIsSent() {
        String body = "m,host=a v=1 " + System.currentTimeMillis() + "\nm,host=b v=2 " + System.currentTimeMillis();

        HttpResponse<String> first = written(influx.post("/write?precision=ms&db=" + db, body));
        HttpResponse<String> again = written(influx.post("/write?precision=ms&db=" + db, body));
        HttpResponse<String> gzipped = written(influx.post("/write?precision=ms&db=" + db, Bodies.gzip(body),
                "Content-Encoding", "gzip"));

        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(gzipped.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(influx.count(db)).isEqualTo(2);
    }

    @Test
    void theSameBodyToAnotherDatabaseIsOtherPoints() {
        String body = "m v=1 " + Instant.now().getEpochSecond();

        written(influx.post("/write?precision=s&db=" + db, body));
        HttpResponse<String> elsewhere = written(influx.post("/api/v2/write?precision=s&bucket=" + db + "2", body));

        assertThat(elsewhere.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(influx.count(db)).isEqualTo(1);
        assertThat(influx.count(db + "2")).isEqualTo(1);
    }

    @Test
    void aBodyWithALineWithoutTimestampIsNewPointsEachTime() {
        String body = "m v=1 " + System.currentTimeMillis() * 1_000_000L + "\nm v=2\n";

        written(influx.post("/write?db=" + db, body));
        HttpResponse<String> again = written(influx.post("/write?db=" + db, body));

        assertThat(again.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(influx.count(db)).isEqualTo(4);
    }

    @Test
    void anIdempotencyKeyWinsOverTheBodysOwnKey() {
        String body = "m v=1 " + System.currentTimeMillis() * 1_000_000L;

        written(influx.post("/write?db=" + db, body, "Idempotency-Key", db + "-k1"));
        HttpResponse<String> sameKey = written(influx.post("/write?db=" + db, body, "Idempotency-Key", db + "-k1"));
        HttpResponse<String> otherKey = written(influx.post("/write?db=" + db, body, "Idempotency-Key", db + "-k2"));

        assertThat(sameKey.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(otherKey.headers().firstValue("Idempotent-Replayed")).as("a new key is a new request").isEmpty();
        assertThat(influx.count(db)).isEqualTo(2);
    }

    @Test
    void missingDatabaseOrBucketIs400() {
        assertThat(v1Error(influx.post("/write", "m v=1"), 400)).isEqualTo("database is required");
        assertThat(v1Error(influx.post("/write?db=", "m v=1"), 400)).isEqualTo("database is required");
        assertThat(v2Error(influx.post("/api/v2/write?org=o", "m v=1"), 400, "invalid")).contains("bucket");
    }

    @Test
    void invalidPrecisionSaysWhichUnitsAreValid() {
        assertThat(v1Error(influx.post("/write?db=" + db + "&precision=x", "m v=1"), 400))
                .isEqualTo("invalid precision \"x\" (use n, u, ms, s, m or h)");
        assertThat(v2Error(influx.post("/api/v2/write?bucket=" + db + "&precision=h", "m v=1"), 400, "invalid"))
                .isEqualTo("invalid precision; valid precision units are ns, us, ms, and s");
    }

    @Test
    void badLinesAreNamedAndNothingIsStored() {
        String body = "m v=1\nm,host=a v=x\nm v=2\nm v=\n";

        String v1 = v1Error(influx.post("/write?db=" + db, body), 400);
        String v2 = v2Error(influx.post("/api/v2/write?bucket=" + db, body), 400, "invalid");

        for (String message : List.of(v1, v2)) {
            assertThat(message).startsWith("unable to parse 'm,host=a v=x'").contains("(line 2)", "(line 4)")
                    .doesNotContain("(line 1)", "(line 3)").endsWith("nothing was stored");
        }
        HttpResponse<String> answer = influx.post("/write?db=" + db, body);
        assertThat(TidemarkClient.json(answer).path("details").get(0).path("line").asInt()).isEqualTo(2);
        assertThat(influx.count(db)).isZero();
    }

    @Test
    void manyBadLinesAreToldUpToTenAndCounted() {
        String body = IntStream.range(0, 25).mapToObj(i -> "m v=bad" + i).collect(Collectors.joining("\n"));

        String error = v1Error(influx.post("/write?db=" + db, body), 400);

        assertThat(error).contains("(line 10)").doesNotContain("(line 11)").contains("and 15 more");
    }

    @Test
    void pingAnswers204WithTheVersionForGetAndHead() {
        for (String method : List.of("GET", "HEAD")) {
            HttpResponse<String> ping = influx.send(method, "/ping");
            assertThat(ping.statusCode()).isEqualTo(204);
            assertThat(ping.headers().firstValue("X-Influxdb-Version")).hasValueSatisfying(
                    v -> assertThat(v).matches("1\\.8\\.\\d+-tidemark"));
            assertThat(ping.headers().firstValue("X-Influxdb-Build")).hasValue("OSS");
        }
        HttpResponse<String> verbose = influx.send("GET", "/ping?verbose=true");
        assertThat(verbose.statusCode()).isEqualTo(200);
        assertThat(TidemarkClient.json(verbose).path("version").asText()).startsWith("1.8.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"CREATE DATABASE \"telegraf\"", "create database mydb", "CREATE DATABASE x IF NOT EXISTS",
            "CREATE DATABASE IF NOT EXISTS x", "CREATE DATABASE \"a;b\" WITH DURATION 1d REPLICATION 1 NAME \"rp\"",
            "  CREATE   DATABASE\n\"with \\\" quote\" ;"})
    void createDatabaseIsAnsweredAsInfluxDbDoes(String q) {
        String form = "q=" + java.net.URLEncoder.encode(q, java.nio.charset.StandardCharsets.UTF_8);
        HttpResponse<String> posted = influx.post("/query", form,
                "Content-Type", "application/x-www-form-urlencoded");
        HttpResponse<String> got = influx.send("GET", "/query?" + form);

        for (HttpResponse<String> answer : List.of(posted, got)) {
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("{\"results\":[{\"statement_id\":0}]}");
            assertThat(answer.headers().firstValue("X-Influxdb-Version")).isPresent();
        }
    }

    @Test
    void eachStatementHasItsResult() {
        HttpResponse<String> answer = influx.send("POST", "/query?q=CREATE+DATABASE+a%3BCREATE+DATABASE+b%3B");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{\"results\":[{\"statement_id\":0},{\"statement_id\":1}]}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SHOW DATABASES", "SELECT * FROM cpu", "CREATE DATABASE a; DROP DATABASE a", "CREATE"})
    void otherStatementsPointToSql(String q) {
        String error = v1Error(influx.send("GET", "/query?q=" + java.net.URLEncoder.encode(q,
                java.nio.charset.StandardCharsets.UTF_8)), 400);

        assertThat(error).contains("SQL", "README");
    }

    @Test
    void queryWithoutStatementIs400() {
        assertThat(v1Error(influx.send("POST", "/query"), 400)).contains("\"q\"");
    }

    @Test
    void wrongMethodIs405InTheShapeOfThePath() {
        HttpResponse<String> v1 = influx.send("GET", "/write?db=x");
        HttpResponse<String> v2 = influx.send("GET", "/api/v2/write?bucket=x");

        assertThat(v1Error(v1, 405)).contains("POST");
        assertThat(v2Error(v2, 405, "method not allowed")).contains("POST");
    }

    @Test
    void bodyTooLargeIs413RawAndDecompressed() {
        String big = "m v=1\n".repeat(MAX_BODY_BYTES / 6 + 10);

        String raw = v1Error(influx.post("/write?db=" + db, big), 413);
        String unzipped = v2Error(influx.post("/api/v2/write?bucket=" + db, Bodies.gzip(big),
                "Content-Encoding", "gzip"), 413, "request too large");

        assertThat(raw).contains("ingest.max_body_bytes");
        assertThat(unzipped).contains("decompressed");
        assertThat(influx.count(db)).isZero();
    }

    @Test
    void gzipAndXGzipAreDecompressed() {
        written(influx.post("/write?db=" + db, Bodies.gzip("m v=1 1\n".replace(" 1\n", "\n")),
                "Content-Encoding", "gzip"));
        written(influx.post("/api/v2/write?bucket=" + db, Bodies.gzip("m v=2\n"), "Content-Encoding", "x-gzip"));
        String broken = v1Error(influx.post("/write?db=" + db, "not gzip", "Content-Encoding", "gzip"), 400);

        assertThat(broken).contains("gzip");
        assertThat(influx.count(db)).isEqualTo(2);
    }

    @Test
    void unsupportedEncodingIs415() {
        assertThat(v2Error(influx.post("/api/v2/write?bucket=" + db, "m v=1", "Content-Encoding", "br"), 415,
                "unsupported media type")).contains("gzip");
    }

    @Test
    void tidemarkPathsKeepTheirOwnShape() {
        HttpResponse<String> answer = server.api().postReadings(Bodies.JSON, "{\"sensor\":1}");

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.headers().firstValue("X-Influxdb-Version")).isEmpty();
        assertThat(answer.headers().firstValue("X-Influxdb-Error")).isEmpty();
        server.assertHealthy();
    }
}
