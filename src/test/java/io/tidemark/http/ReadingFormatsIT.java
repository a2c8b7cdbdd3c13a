package io.tidemark.http;

import static io.tidemark.testing.Bodies.JSON;
import static io.tidemark.testing.Bodies.NDJSON;
import static io.tidemark.testing.Reading.TimestampStyle.EPOCH_MILLIS;
import static io.tidemark.testing.Reading.TimestampStyle.RFC3339;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.testing.Bodies;
import io.tidemark.testing.RandomReadings;
import io.tidemark.testing.RandomSeed;
import io.tidemark.testing.Reading;
import io.tidemark.testing.TidemarkClient;
import io.tidemark.testing.TidemarkServerExtension;
import io.tidemark.testing.UniqueNames;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every body format the readings endpoint takes, checked by what lands in {@code readings_v}. */
@ExtendWith(RandomSeed.class)
class ReadingFormatsIT {
    @RegisterExtension
    static final TidemarkServerExtension server = TidemarkServerExtension.withDefaults();

    private static void assertAccepted(HttpResponse<String> response, int count) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(TidemarkClient.json(response).get("accepted").asInt()).isEqualTo(count);
    }

    /** A body format: how readings are written, and how many one request of the test may carry. */
    private enum Format {
        ONE_JSON_OBJECT(JSON, 1, false, sent -> sent.get(0).toJson()),
        JSON_ARRAY(JSON, 500, false, sent -> Bodies.array(Bodies.json(sent, RFC3339))),
        NDJSON_LINES(NDJSON, 500, false, sent -> Bodies.ndjson(Bodies.json(sent, RFC3339))),
        GZIPPED_JSON_ARRAY(JSON, 2000, true, sent -> Bodies.array(Bodies.json(sent, RFC3339))),
        GZIPPED_NDJSON(NDJSON, 2000, true, sent -> Bodies.ndjson(Bodies.json(sent, RFC3339)));

        final String contentType;
        final int maxReadings;
        final boolean gzipped;
        final Function<List<Reading>, String> body;

        Format(String contentType, int maxReadings, boolean gzipped, Function<List<Reading>, String> body) {
            this.contentType = contentType;
            this.maxReadings = maxReadings;
            this.gzipped = gzipped;
            this.body = body;
        }

        HttpResponse<String> post(TidemarkClient api, List<Reading> sent) {
            String text = body.apply(sent);
            return gzipped ? api.postReadings(contentType, Bodies.gzip(text), "Content-Encoding", "gzip")
                    : api.postReadings(contentType, text);
        }
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @EnumSource(Format.class)
    void storesEveryReadingOfTheBody(Format format, Random random) {
        String prefix = UniqueNames.prefix("fmt");
        List<Reading> sent = new RandomReadings(random, prefix).next(1 + random.nextInt(format.maxReadings));

        assertAccepted(format.post(server.api(), sent), sent.size());

        assertThat(server.database().readings(prefix))
                .containsExactlyInAnyOrderElementsOf(RandomReadings.asStored(sent));
    }

    @Test
    void readsEpochMillisecondAndRfc3339TimestampsInOneRequest(Random random) {
        String prefix = UniqueNames.prefix("fmt");
        List<Reading> sent = RandomReadings.toMillis(new RandomReadings(random, prefix).next(200));
        List<String> objects = new ArrayList<>();
        for (Reading r : sent) objects.add(r.toJson(random.nextBoolean() ? EPOCH_MILLIS : RFC3339));

        assertAccepted(server.api().postReadings(JSON, Bodies.array(objects)), sent.size());

        assertThat(server.database().readings(prefix))
                .containsExactlyInAnyOrderElementsOf(RandomReadings.asStored(sent));
    }

    @Test
    void readsRfc3339TimestampsWithOffsetsAndNanoseconds() {
        String prefix = UniqueNames.prefix("fmt");
        Instant base = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(2, ChronoUnit.DAYS);
        String day = base.toString().substring(0, 10);
        String hour = base.toString().substring(11, 13);
        String body = Bodies.ndjson(List.of(
                "{\"sensor\":\"" + prefix + "a\",\"ts\":\"" + day + "T" + hour + ":00:00.123456789Z\",\"value\":1}",
                "{\"sensor\":\"" + prefix + "b\",\"ts\":\"" + day + " " + hour + ":30:00+00:00\",\"value\":2}"));

        assertAccepted(server.api().postReadings(NDJSON, body), 2);

        assertThat(server.database().readings(prefix)).extracting(Reading::ts).containsExactly(
                base.plusNanos(123_457_000), base.plus(30, ChronoUnit.MINUTES)); // rounded as PostgreSQL rounds
    }

    @Test
    void defaultsMetricToValue() {
        String prefix = UniqueNames.prefix("fmt");

        assertAccepted(server.api().postReadings(JSON, "{\"sensor\":\"" + prefix + "x\",\"value\":7}"), 1);

        assertThat(server.database().readings(prefix)).extracting(Reading::metric).containsExactly("value");
    }

    @Test
    void defaultsTimestampToTimeOfReceipt() {
        String prefix = UniqueNames.prefix("fmt");
        Instant before = Instant.now().truncatedTo(ChronoUnit.MICROS);

        assertAccepted(server.api().postReadings(NDJSON, "{\"sensor\":\"" + prefix + "x\",\"value\":7}\n"), 1);
        Instant after = Instant.now();

        assertThat(server.database().readings(prefix)).singleElement().satisfies(
                r -> assertThat(r.ts()).isBetween(before, after));
    }

    @Test
    void acceptsContentTypeWithCharsetParameter() {
        String prefix = UniqueNames.prefix("fmt");

        assertAccepted(server.api().postReadings("application/json; charset=utf-8",
                "{\"sensor\":\"" + prefix + "x\",\"value\":7}"), 1);

        assertThat(server.database().readings(prefix)).hasSize(1);
    }
}
