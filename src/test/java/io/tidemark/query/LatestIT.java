package io.tidemark.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.config.LatestConfig;
import io.tidemark.testing.Bodies;
import io.tidemark.testing.LogCapture;
import io.tidemark.testing.RandomSeed;
import io.tidemark.testing.TestDatabase;
import io.tidemark.testing.TestServer;
import io.tidemark.testing.TidemarkClient;
import io.tidemark.testing.TidemarkServerExtension;
import io.tidemark.testing.UniqueNames;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.StringJoiner;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@code latest} table and {@code GET /api/v1/latest}: after concurrent writers (late readings, ties, requests
 * refused whole), on one node and on two sharing a database, every series' row is its newest reading in
 * {@code readings}, and the endpoint answers exactly those rows; ties go to the later write; off, nothing is kept.
 */
@Timeout(300)
@ExtendWith(RandomSeed.class)
class LatestIT {
    /** Readings lie within this many half seconds before {@link #BASE}: few enough slots that ties are frequent. */
    private static final int SLOTS = 400;
    private static final Instant BASE = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
    @RegisterExtension
    static final TidemarkServerExtension server = TidemarkServerExtension.withDefaults();

    @Test
    void concurrentWritersLeaveEverySeriesItsNewestReading(Random random) throws Exception {
        String p = UniqueNames.prefix("latest");
        long accepted = writeConcurrently(random, p, List.of(server.api()), 4, 40, 16, 0.1);

        assertThat(server.queryLong("SELECT count(*) FROM readings_v WHERE sensor LIKE '" + p + "%'"))
                .as("refused requests store nothing").isEqualTo(accepted);
        LatestTruth.assertAgree(server.database(), p);
        LatestTruth.assertEndpointAgrees(server.api(), server.database(), p);
    }

    /**
     * Two nodes, four writers, every request touching most of the same 20 series in random order: rows locked in
     * series id order never deadlock (each deadlock would be logged by the writer that retried).
     */
    @Test
    void twoNodesWritingTheSameSeriesNeverDeadlock(Random random) throws Exception {
        try (TestDatabase database = TestDatabase.create();
                TestServer a = TestServer.attach(database, UnaryOperator.identity());
                TestServer b = TestServer.attach(database, UnaryOperator.identity());
                LogCapture log = LogCapture.start()) {
            String p = UniqueNames.prefix("nodes");
            writeConcurrently(random, p, List.of(a.api(), b.api()), 4, 30, 20, 0);

            assertThat(log.events()).noneMatch(e -> e.getFormattedMessage().contains("deadlock"));
            LatestTruth.assertAgree(database, p);
            LatestTruth.assertEndpointAgrees(b.api(), database, p);
        }
    }

    @Test
    void atTheSameTimeTheLaterWriteWinsAndAnOlderReadingChangesNothing() {
        String sensor = UniqueNames.prefix("tie");
        Instant t = BASE.plusMillis(123);
        post(sensor, t, 1, t, 2); // within one request, the later line
        assertThat(latestOf(sensor).get("value").asDouble()).isEqualTo(2);
        post(sensor, t, 3);
        assertThat(latestOf(sensor).get("value").asDouble()).as("a later request at the same time").isEqualTo(3);
        post(sensor, t.minusSeconds(1), 4);
        JsonNode latest = latestOf(sensor);
        assertThat(latest.get("value").asDouble()).as("an older reading").isEqualTo(3);
        assertThat(Instant.parse(latest.get("ts").asText())).isEqualTo(t);
        post(sensor, t.plusNanos(1000), 5);
        assertThat(latestOf(sensor).get("value").asDouble()).as("a microsecond later").isEqualTo(5);
    }

    /** A batch whose upsert fails is rolled back whole: its readings are not stored either. */
    @Test
    void aBatchThatFailsStoresNeitherReadingsNorLatest() {
        String sensor = UniqueNames.prefix("rollback");
        post(sensor, BASE, 1);
        server.execute("ALTER TABLE latest ADD CONSTRAINT refuse_666 CHECK (value <> -666.25) NOT VALID");
        try {
            HttpResponse<String> failed = server.api().postReadings(Bodies.JSON,
                    line(sensor, "value", "{}", BASE.plusSeconds(1), -666.25));
            assertThat(failed.statusCode()).as(failed.body()).isEqualTo(500);
        } finally {
            server.execute("ALTER TABLE latest DROP CONSTRAINT refuse_666");
        }
        assertThat(server.database().readings(sensor)).hasSize(1);
        assertThat(latestOf(sensor).get("value").asDouble()).isEqualTo(1);
    }

    @Test
    void filtersBySensorMetricAndTags() {
        String p = UniqueNames.prefix("filter");
        server.api().postJson(Bodies.array(List.of(
                line(p + "-a", "temp", "{\"host\":\"x\"}", BASE, 1),
                line(p + "-a", "temp", "{\"host\":\"y\"}", BASE, 2),
                line(p + "-a", "rpm", "{}", BASE, 3),
                line(p + "-b", "temp", "{}", BASE, 4))));

        assertThat(values("sensor=" + p + "-*")).containsExactly(3.0, 1.0, 2.0, 4.0);
        assertThat(values("sensor=" + p + "-a&metric=t*")).containsExactly(1.0, 2.0);
        assertThat(values("sensor=" + p + "-%3F&tags=" + encode("{\"host\":\"y\"}"))).containsExactly(2.0);
        assertThat(values("sensor=" + p + "-b")).containsExactly(4.0);
        JsonNode first = server.getJson("/api/v1/latest?sensor=" + p + "-a&metric=temp").get("series").get(0);
        assertThat(first.get("sensor").asText()).isEqualTo(p + "-a");
        assertThat(first.get("metric").asText()).isEqualTo("temp");
        assertThat(first.get("tags").get("host").asText()).isEqualTo("x");
        assertThat(Instant.parse(first.get("ts").asText())).isEqualTo(BASE);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "limit=0           | limit",
        "limit=1001        | limit",
        "after=nonsense    | after",
        "tags=%5B1%5D      | tags",
        "sensor=           | sensor",
        "sensor=a%01b      | sensor",
        "prefix=a          | prefix",
        "metric=a&metric=b | metric"})
    void aBadParameterIsA400NamingIt(String query, String parameter) {
        HttpResponse<String> answer = server.get("/api/v1/latest?" + query);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(TidemarkClient.json(answer).get("details").get(0).get("parameter").asText()).isEqualTo(parameter);
    }

    @Test
    void offNothingIsWrittenAndTheEndpointIs404() {
        try (TestServer off = TestServer.start(c -> c.withLatest(new LatestConfig(false)))) {
            off.api().postJson(line("off", "value", "{}", BASE, 1));
            assertThat(off.database().readings("off")).hasSize(1);
            assertThat(off.queryLong("SELECT count(*) FROM latest")).isZero();
            HttpResponse<String> answer = off.get("/api/v1/latest");
            assertThat(answer.statusCode()).isEqualTo(404);
            assertThat(TidemarkClient.json(answer).get("error").asText()).contains("latest.enabled is false");
        }
    }

    /**
     * {@code clients} writers, each sending {@code requests} requests of random readings of {@code series} series
     * to the nodes in turn; a share {@code bad} of the requests carries a bad line and is refused whole. Readings fall
     * on {@link #SLOTS} times, in any order. Returns the readings accepted.
     */
    private static long writeConcurrently(Random random, String prefix, List<TidemarkClient> nodes, int clients,
            int requests, int series, double bad) throws Exception {
        AtomicLong accepted = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < clients; w++) {
                Random own = new Random(random.nextLong());
                int writer = w;
                writers.add(pool.submit(() -> {
                    for (int r = 0; r < requests; r++) {
                        StringJoiner body = new StringJoiner("\n");
                        int count = 1 + own.nextInt(40);
                        for (int i = 0; i < count; i++) {
                            int s = own.nextInt(series);
                            Instant ts = BASE.minusMillis(500L * own.nextInt(SLOTS)).plusNanos(1000L * own.nextInt(2));
                            double value = writer * 1_000_000 + r * 1000 + i;
                            body.add(line(prefix + "-" + s % 5, "m" + s % 2, s < 10 ? "{}" : "{\"n\":\"" + s + "\"}",
                                    ts, value));
                        }
                        boolean refused = own.nextDouble() < bad;
                        if (refused) body.add("{\"sensor\":\"" + prefix + "\",\"value\":\"not a number\"}");
                        HttpResponse<String> answer = nodes.get((writer + r) % nodes.size())
                                .postReadings(Bodies.NDJSON, body.toString());
                        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(refused ? 400 : 200);
                        if (!refused) accepted.addAndGet(count);
                    }
                    return null;
                }));
            }
            for (Future<?> writer : writers) writer.get(240, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        return accepted.get();
    }

    private static void post(String sensor, Object... timesAndValues) {
        StringJoiner body = new StringJoiner("\n");
        for (int i = 0; i < timesAndValues.length; i += 2) {
            body.add(line(sensor, "value", "{}", (Instant) timesAndValues[i],
                    ((Number) timesAndValues[i + 1]).doubleValue()));
        }
        HttpResponse<String> answer = server.api().postReadings(Bodies.NDJSON, body.toString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }

    static String line(String sensor, String metric, String tags, Instant ts, double value) {
        return "{\"sensor\":\"" + sensor + "\",\"metric\":\"" + metric + "\",\"tags\":" + tags + ",\"ts\":\"" + ts
                + "\",\"value\":" + value + "}";
    }

    private static JsonNode latestOf(String sensor) {
        JsonNode series = server.getJson("/api/v1/latest?sensor=" + sensor).get("series");
        assertThat(series).hasSize(1);
        return series.get(0);
    }

    private static List<Double> values(String query) {
        List<Double> values = new ArrayList<>();
        server.getJson("/api/v1/latest?" + query).get("series").forEach(s -> values.add(s.get("value").asDouble()));
        return values;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
