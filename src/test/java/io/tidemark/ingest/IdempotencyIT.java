package io.tidemark.ingest;

import static io.tidemark.testing.Bodies.JSON;
import static io.tidemark.testing.Bodies.NDJSON;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.testing.Bodies;
import io.tidemark.testing.RandomReadings;
import io.tidemark.testing.RandomSeed;
import io.tidemark.testing.Reading;
import io.tidemark.testing.TidemarkClient;
import io.tidemark.testing.TidemarkServerExtension;
import io.tidemark.testing.UniqueNames;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code Idempotency-Key}: a retry stores nothing again and gets the first answer, however the retries race. */
@ExtendWith(RandomSeed.class)
class IdempotencyIT {
    private static final String REPLAYED = "Idempotent-Replayed";
    @RegisterExtension
    static final TidemarkServerExtension server = TidemarkServerExtension.withDefaults();

    private static String ndjson(List<Reading> readings) {
        return Bodies.ndjson(Bodies.json(readings, Reading.TimestampStyle.RFC3339));
    }

    private static int accepted(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return TidemarkClient.json(response).path("accepted").asInt();
    }

    private static boolean replayed(HttpResponse<String> response) {
        return response.headers().firstValue(REPLAYED).map("true"::equals).orElse(false);
    }

    @Test
    void retryReturnsTheFirstAnswerAndStoresNothingAgain(Random random) {
        String prefix = UniqueNames.prefix("idem");
        List<Reading> readings = new RandomReadings(random, prefix).next(1 + random.nextInt(300));
        String key = prefix + "key";

        HttpResponse<String> first = server.api().postReadings(NDJSON, ndjson(readings), "Idempotency-Key", key);
        List<HttpResponse<String>> retries = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            retries.add(server.api().postReadings(NDJSON, ndjson(readings), "Idempotency-Key", key));
        }

        assertThat(accepted(first)).isEqualTo(readings.size());
        assertThat(first.headers().firstValue(REPLAYED)).isEmpty();
        for (HttpResponse<String> retry : retries) {
            assertThat(accepted(retry)).isEqualTo(readings.size());
            assertThat(retry.headers().firstValue(REPLAYED)).hasValue("true");
        }
        assertThat(server.database().readings(prefix))
                .containsExactlyInAnyOrderElementsOf(RandomReadings.asStored(readings));
    }

    @Test
    void retryMayBeGzippedWhenTheFirstAttemptWasNot(Random random) {
        String prefix = UniqueNames.prefix("idem");
        List<Reading> readings = new RandomReadings(random, prefix).next(50);
        String key = prefix + "key";

        HttpResponse<String> first = server.api().postReadings(NDJSON, ndjson(readings), "Idempotency-Key", key);
        HttpResponse<String> retry = server.api().postReadings(NDJSON, Bodies.gzip(ndjson(readings)),
                "Idempotency-Key", key, "Content-Encoding", "gzip");

        assertThat(accepted(first)).isEqualTo(50);
        assertThat(accepted(retry)).isEqualTo(50);
        assertThat(replayed(retry)).isTrue();
        assertThat(server.database().readings(prefix)).hasSize(50);
    }

    @Test
    void gzippedRequestWithAKeyIsStoredOnceAndReplayed(Random random) {
        String prefix = UniqueNames.prefix("idem");
        List<Reading> readings = new RandomReadings(random, prefix).next(1 + random.nextInt(300));
        byte[] body = Bodies.gzip(ndjson(readings));
        String key = prefix + "key";

        HttpResponse<String> first = server.api().postReadings(NDJSON, body, "Idempotency-Key", key,
                "Content-Encoding", "gzip");
        HttpResponse<String> retry = server.api().postReadings(NDJSON, body, "Idempotency-Key", key,
                "Content-Encoding", "gzip");

        assertThat(accepted(first)).isEqualTo(readings.size());
        assertThat(accepted(retry)).isEqualTo(readings.size());
        assertThat(replayed(retry)).isTrue();
        assertThat(server.database().readings(prefix))
                .containsExactlyInAnyOrderElementsOf(RandomReadings.asStored(readings));
    }

    @Test
    void sameKeyWithADifferentBodyIsRejectedWith422(Random random) {
        String prefix = UniqueNames.prefix("idem");
        List<Reading> original = new RandomReadings(random, prefix + "a").next(20);
        List<Reading> other = new RandomReadings(random, prefix + "b").next(20);
        String key = prefix + "key";

        HttpResponse<String> first = server.api().postReadings(NDJSON, ndjson(original), "Idempotency-Key", key);
        HttpResponse<String> reuse = server.api().postReadings(NDJSON, ndjson(other), "Idempotency-Key", key);

        assertThat(accepted(first)).isEqualTo(20);
        assertThat(reuse.statusCode()).as(reuse.body()).isEqualTo(422);
        assertThat(TidemarkClient.json(reuse).path("error").asText()).contains(key);
        assertThat(server.database().readings(prefix + "a")).hasSize(20);
        assertThat(server.database().readings(prefix + "b")).isEmpty();
    }

    /** An answered request records its key even when it stored nothing: the key is spent on that body. */
    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = {"[]", "\n"})
    void emptyRequestRecordsItsKey(String empty) {
        String prefix = UniqueNames.prefix("idem");
        String key = prefix + "key";
        String contentType = empty.equals("[]") ? JSON : NDJSON;

        HttpResponse<String> first = server.api().postReadings(contentType, empty, "Idempotency-Key", key);
        HttpResponse<String> retry = server.api().postReadings(contentType, empty, "Idempotency-Key", key);
        HttpResponse<String> reuse = server.api().postReadings(JSON, "{\"sensor\":\"" + prefix + "x\",\"value\":1}",
                "Idempotency-Key", key);

        assertThat(accepted(first)).isZero();
        assertThat(replayed(first)).isFalse();
        assertThat(accepted(retry)).isZero();
        assertThat(replayed(retry)).isTrue();
        assertThat(reuse.statusCode()).as(reuse.body()).isEqualTo(422);
        assertThat(server.database().readings(prefix)).isEmpty();
    }

    /** A rejected request (400) never started: its key stays free, as Stripe does, so the client can fix the body. */
    @Test
    void rejectedRequestDoesNotSpendItsKey() {
        String prefix = UniqueNames.prefix("idem");
        String key = prefix + "key";

        HttpResponse<String> bad = server.api().postReadings(JSON, "{\"sensor\":\"" + prefix + "x\"}",
                "Idempotency-Key", key);
        HttpResponse<String> fixed = server.api().postReadings(JSON, "{\"sensor\":\"" + prefix + "x\",\"value\":1}",
                "Idempotency-Key", key);

        assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
        assertThat(accepted(fixed)).isEqualTo(1);
        assertThat(replayed(fixed)).isFalse();
        assertThat(server.database().readings(prefix)).hasSize(1);
    }

    @Test
    void concurrentRequestsWithTheSameKeyStoreTheReadingsOnce(Random random) {
        for (int round = 0; round < 5; round++) {
            String prefix = UniqueNames.prefix("idem");
            List<Reading> readings = new RandomReadings(random, prefix).next(1 + random.nextInt(200));
            byte[] body = ndjson(readings).getBytes(StandardCharsets.UTF_8);
            HttpRequest request = server.api().readings(body, "Content-Type", NDJSON, "Idempotency-Key", prefix + "key")
                    .build();

            List<HttpResponse<String>> answers = sendAllAtOnce(request, 8 + random.nextInt(25));

            assertThat(answers).allSatisfy(a -> assertThat(accepted(a)).isEqualTo(readings.size()));
            assertThat(answers).filteredOn(a -> !replayed(a)).as("answers that stored the readings").hasSize(1);
            assertThat(server.database().readings(prefix))
                    .containsExactlyInAnyOrderElementsOf(RandomReadings.asStored(readings));
        }
    }

    @Test
    void concurrentRequestsWithTheSameKeyButDifferentBodiesStoreExactlyOneOfThem(Random random) {
        for (int round = 0; round < 5; round++) {
            String prefix = UniqueNames.prefix("idem");
            String key = prefix + "key";
            int requests = 4 + random.nextInt(12);
            List<List<Reading>> bodies = new ArrayList<>();
            List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                List<Reading> readings = new RandomReadings(random, prefix + "body" + i + "-")
                        .next(1 + random.nextInt(50));
                bodies.add(readings);
                pending.add(server.api().sendAsync(server.api().readings(
                        ndjson(readings).getBytes(StandardCharsets.UTF_8),
                        "Content-Type", NDJSON, "Idempotency-Key", key).build()));
            }
            List<HttpResponse<String>> answers = pending.stream().map(CompletableFuture::join).toList();

            List<Integer> winners = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                int status = answers.get(i).statusCode();
                assertThat(status).as("request %d: %s", i, answers.get(i).body()).isIn(200, 422);
                if (status == 200) winners.add(i);
            }
            assertThat(winners).as("requests answered 200").hasSize(1);
            for (int i = 0; i < requests; i++) {
                assertThat(server.database().readings(prefix + "body" + i + "-")).as("readings of request %d", i)
                        .hasSize(winners.contains(i) ? bodies.get(i).size() : 0);
            }
        }
    }

    @Test
    void rejectsInvalidKeysAndStoresNothing() {
        String body = "{\"sensor\":\"bad-key\",\"value\":1}";
        long keysBefore = server.queryLong("SELECT count(*) FROM idempotency_keys");
        for (String key : List.of("k".repeat(256), "", "tab\there")) {
            HttpResponse<String> response = server.api().postReadings(JSON, body, "Idempotency-Key", key);
            assertThat(response.statusCode()).as("key '%s': %s", key, response.body()).isEqualTo(400);
            assertThat(TidemarkClient.json(response).path("error").asText()).contains("Idempotency-Key");
        }
        // Java's HttpClient would send "?" for "é", so this one goes out as raw UTF-8 bytes.
        String answer = server.api().sendRaw(("POST " + TidemarkClient.READINGS + " HTTP/1.1\r\n"
                + "Content-Type: application/json\r\nIdempotency-Key: clé\r\n").getBytes(StandardCharsets.UTF_8),
                body.getBytes(StandardCharsets.UTF_8));
        assertThat(answer).startsWith("HTTP/1.1 400").contains("Idempotency-Key must be printable ASCII");
        assertThat(server.database().readings("bad-key")).isEmpty();
        assertThat(server.queryLong("SELECT count(*) FROM idempotency_keys")).isEqualTo(keysBefore);
    }

    @Test
    void acceptsKeysOfUpTo255PrintableCharacters() {
        String key = "~!#$%&'*+-.^_`|0123456789 ABC".repeat(9).substring(0, 255);

        HttpResponse<String> first = server.api().postReadings(JSON, "{\"sensor\":\"long-key\",\"value\":1}",
                "Idempotency-Key", key);
        HttpResponse<String> retry = server.api().postReadings(JSON, "{\"sensor\":\"long-key\",\"value\":1}",
                "Idempotency-Key", key);

        assertThat(accepted(first)).isEqualTo(1);
        assertThat(replayed(retry)).isTrue();
        assertThat(server.database().readings("long-key")).hasSize(1);
    }

    private static List<HttpResponse<String>> sendAllAtOnce(HttpRequest request, int copies) {
        List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
        for (int i = 0; i < copies; i++) pending.add(server.api().sendAsync(request));
        return pending.stream().map(CompletableFuture::join).toList();
    }
}
