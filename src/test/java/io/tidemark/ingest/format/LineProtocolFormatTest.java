package io.tidemark.ingest.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tidemark.config.TidemarkConfig;
import io.tidemark.names.Tags;
import io.tidemark.time.EpochMicros;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LineProtocolFormatTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:34:56.789123Z");
    private static final long NOW_MICROS = EpochMicros.of(NOW);
    private static final LineProtocolFormat NS = new LineProtocolFormat(Precision.NANOSECONDS, Tags.NONE,
            StringFields.SKIP);

    private static TimeWindow window() {
        return TimeWindow.at(NOW, TidemarkConfig.defaults().ingest());
    }

    /** A window that takes any time, for tests about conversions rather than the window. */
    private static TimeWindow anyTime() {
        return new TimeWindow(NOW_MICROS, Long.MIN_VALUE, Long.MAX_VALUE, Duration.ZERO, Duration.ZERO);
    }

    private static ParsedReadings parse(LineProtocolFormat format, String body, TimeWindow window) throws IOException {
        return format.parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), window);
    }

    private static InvalidReadingsException rejected(LineProtocolFormat format, String body) {
        return catchThrowableOfType(InvalidReadingsException.class, () -> parse(format, body, window()));
    }

    @ParameterizedTest
    @CsvSource({
        "NANOSECONDS,  1700000000123456789, 1700000000123456",
        "NANOSECONDS,  -1,                  -1",
        "NANOSECONDS,  -1001,               -2",
        "MICROSECONDS, 1700000000123456,    1700000000123456",
        "MILLISECONDS, 1700000000123,       1700000000123000",
        "SECONDS,      1700000000,          1700000000000000",
        "MINUTES,      28333333,            1699999980000000",
        "HOURS,        472222,              1699999200000000",
    })
    void convertsTimestampsToMicrosFlooringFinerDigits(Precision precision, long timestamp, long micros)
            throws IOException {
        var format = new LineProtocolFormat(precision, Tags.NONE, StringFields.SKIP);
        ParsedReadings r = parse(format, "m v=1 " + timestamp, anyTime());
        assertThat(r.timestamps()[0]).isEqualTo(micros);
        assertThat(r.timestampsFromBody()).isTrue();
    }

    @ParameterizedTest
    @CsvSource({
        "NANOSECONDS, MICROS", "MICROSECONDS, MICROS", "MILLISECONDS, MILLIS", "SECONDS, SECONDS",
        "MINUTES, MINUTES", "HOURS, HOURS",
    })
    void lineWithoutTimestampTakesNowTruncatedToThePrecision(Precision precision, ChronoUnit unit)
            throws IOException {
        var format = new LineProtocolFormat(precision, Tags.NONE, StringFields.SKIP);
        ParsedReadings r = parse(format, "m v=1\nm v=2 1", anyTime());
        assertThat(r.timestamps()[0]).isEqualTo(EpochMicros.of(NOW.truncatedTo(unit)));
        assertThat(r.timestampsFromBody()).isFalse();
        assertThat(parse(format, "m v=2 1", anyTime()).timestampsFromBody()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
        "null, NANOSECONDS, NANOSECONDS", "'', NANOSECONDS, NANOSECONDS", "n, NANOSECONDS, null",
        "ns, NANOSECONDS, NANOSECONDS", "u, MICROSECONDS, null", "us, null, MICROSECONDS",
        "ms, MILLISECONDS, MILLISECONDS", "s, SECONDS, SECONDS", "m, MINUTES, null", "h, HOURS, null",
        "x, null, null", "NS, null, null", "µ, null, null",
    })
    void namesPrecisionsAsInfluxDbDoes(String name, Precision v1, Precision v2) {
        assertThat(Precision.fromV1(name)).isEqualTo(v1);
        assertThat(Precision.fromV2(name)).isEqualTo(v2);
    }

    @Test
    void eachFieldIsOneReadingSharingTheLinesTags() throws IOException {
        ParsedReadings r = parse(NS, "cpu,host=a,region=eu usage=1.5,idle=2i,up=true,free=7u,down=F "
                + "1795610096000000000\ncpu,host=a,region=eu usage=3 1795610097000000000\n", window());
        assertThat(r.count()).isEqualTo(6);
        assertThat(r.metrics()).startsWith("usage", "idle", "up", "free", "down", "usage");
        assertThat(r.values()).startsWith(1.5, 2.0, 1.0, 7.0, 0.0, 3.0);
        assertThat(r.sensors()[0]).isEqualTo("cpu");
        assertThat(r.tags()[0]).isEqualTo(Tags.of(Map.of("host", "a", "region", "eu")));
        for (int i = 1; i < 6; i++) assertThat(r.tags()[i]).isSameAs(r.tags()[0]);
    }

    /** Unsigned integers past 2^63 round to the nearest double, as their decimal text does (seed 4498992783935). */
    @ParameterizedTest
    @CsvSource({"13953487604435670017", "9223372036854775808", "9223372036854777857", "18446744073709551615",
            "18446744073709549569", "12345678901234567890"})
    void unsignedIntegersPastTwoToTheSixtyThirdRoundOnce(String digits) throws IOException {
        ParsedReadings r = parse(NS, "m v=" + digits + "u 1795610096000000000\n", anyTime());
        assertThat(r.values()[0]).isEqualTo(new java.math.BigDecimal(digits).doubleValue());
    }

    @Test
    void extraTagsAreAddedUnlessTheLineHasTheKey() throws IOException {
        var format = new LineProtocolFormat(Precision.NANOSECONDS, Tags.of(Map.of("db", "telegraf")),
                StringFields.SKIP);
        ParsedReadings r = parse(format, "m v=1\nm,db=mine v=2\nm,host=a v=3", window());
        assertThat(r.tags()[0]).isEqualTo(Tags.of(Map.of("db", "telegraf")));
        assertThat(r.tags()[1]).isEqualTo(Tags.of(Map.of("db", "mine")));
        assertThat(r.tags()[2]).isEqualTo(Tags.of(Map.of("db", "telegraf", "host", "a")));
    }

    @Test
    void skipsAndCountsStringFields() throws IOException {
        ParsedReadings r = parse(NS, "m s=\"a \\\"quoted\\\" ,= value\",v=1,t=\"x\"\nm only=\"text\"", window());
        assertThat(r.count()).isEqualTo(1);
        assertThat(r.metrics()[0]).isEqualTo("v");
        assertThat(r.skipped()).isEqualTo(3);
    }

    @Test
    void rejectModeRefusesEachStringField() {
        var format = new LineProtocolFormat(Precision.NANOSECONDS, Tags.NONE, StringFields.REJECT);
        InvalidReadingsException e = rejected(format, "m v=1\nm s=\"x\"\nm t=\"y\",v=2");
        assertThat(e.problems()).extracting(ReadingProblem::line).containsExactly(2, 3);
        assertThat(e.problems()).extracting(ReadingProblem::field).containsExactly("field value of s",
                "field value of t");
    }

    @Test
    void reportsEveryBadLineWithItsNumberAndPart() {
        String longKey = "k".repeat(201);
        InvalidReadingsException e = rejected(NS, String.join("\n", "m v=1", "m,host=a,host=b v=1", "",
                "m " + longKey + "=1", "# a comment", "m,host= v=1", "m v=1 12x", "m,h\tx=1 v=1", "m v=NaN",
                "m v=9223372036854775808i", "m v=1 9999999999999999999"));
        assertThat(e.problems()).extracting(ReadingProblem::line).containsExactly(2, 4, 6, 7, 8, 9, 10, 11);
        assertThat(e.problems()).extracting(ReadingProblem::index).containsExactly(1, 3, 5, 6, 7, 8, 9, 10);
        assertThat(e.problems()).extracting(ReadingProblem::field).containsExactly("tags", "field key",
                "tag value of host", "timestamp", "tag key", "field value of v", "field value of v", "timestamp");
        assertThat(e.problems().get(0).message()).isEqualTo(
                "unable to parse 'm,host=a,host=b v=1': tag key 'host' appears twice");
        assertThat(e.problems().get(1).message()).startsWith("unable to parse 'm kkkk").contains("...': field key")
                .contains("201 characters long");
        assertThat(e.problems()).allSatisfy(p -> assertThat(p.message()).startsWith("unable to parse '"));
    }

    @Test
    void acceptsCrlfCommentsBlankLinesAndExtraSpaces() throws IOException {
        ParsedReadings r = parse(NS, "# header\r\n\r\n  m,a=b  v=1   1795610096000000000  \r\n\tm v=2\r\n \n",
                window());
        assertThat(r.count()).isEqualTo(2);
        assertThat(r.values()).startsWith(1.0, 2.0);
        assertThat(r.timestamps()[0]).isEqualTo(1795610096000000L);
    }

    @Test
    void aStringValueMayHoldNewlinesAndLinesCountOn() {
        InvalidReadingsException e = rejected(NS, "m s=\"one\ntwo\",v=1\nm v=x");
        assertThat(e.problems()).extracting(ReadingProblem::line).containsExactly(3);
    }

    @Test
    void timestampOutsideTheWindowGetsTheLineProtocolHint() {
        InvalidReadingsException e = rejected(NS, "m v=1 1");
        assertThat(e.problems().get(0).field()).isEqualTo("timestamp");
        assertThat(e.problems().get(0).message()).endsWith(LineParser.TIME_HINT);
        assertThat(window().problem(0)).endsWith("numeric timestamps are epoch milliseconds");
    }

    @Test
    void refusesInvalidUtf8AndOverlongLinesNamingTheLine() throws IOException {
        byte[] body = "m v=1\nm\u00e9,t=\u00ff v=1\n".getBytes(StandardCharsets.ISO_8859_1);
        InvalidReadingsException e = catchThrowableOfType(InvalidReadingsException.class,
                () -> NS.parse(new ByteArrayInputStream(body), window()));
        assertThat(e.problems()).extracting(ReadingProblem::line).containsExactly(2);
        assertThat(e.problems().get(0).message()).contains("invalid UTF-8");
        e = rejected(NS, "m v=1\nm " + "v=1,".repeat(LineProtocolFormat.MAX_LINE_BYTES / 4) + "w=1\nm v=2");
        assertThat(e.problems()).extracting(ReadingProblem::line).containsExactly(2);
        assertThat(e.problems().get(0).message()).contains("longer than");
    }

    @Test
    void reusesTheTagsOfARunOfLines() throws IOException {
        ParsedReadings r = parse(NS, "m,a=1 v=1\nn,a=1 v=2\nm,a=2 v=3", window());
        assertThat(r.tags()[1]).isSameAs(r.tags()[0]);
        assertThat(r.tags()[2]).isEqualTo(Tags.of(Map.of("a", "2")));
    }

    @Test
    void repeatedFieldKeyKeepsItsLastValueAsInfluxDbServersDo() throws IOException {
        ParsedReadings r = parse(NS, "m v=1,w=2,v=3", window());
        assertThat(r.count()).isEqualTo(2);
        assertThat(r.metrics()).startsWith("v", "w");
        assertThat(r.values()).startsWith(3.0, 2.0);
    }

    @Test
    void backslashIsLiteralUnlessItEscapesWhatNeedsIt() throws IOException {
        // Line text: a\\b\,c\=d,k\ e=v\\\ w\=x f\"=1
        ParsedReadings r = parse(NS, "a\\\\b\\,c\\=d,k\\ e=v\\\\\\ w\\=x f\\\"=1", window());
        assertThat(r.sensors()[0]).isEqualTo("a\\\\b,c\\=d");
        assertThat(r.tags()[0]).isEqualTo(Tags.of(Map.of("k e", "v\\\\ w=x")));
        assertThat(r.metrics()[0]).isEqualTo("f\\\"");
    }
}
