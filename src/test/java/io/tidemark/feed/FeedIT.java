package io.tidemark.feed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.config.FeedConfig;
import io.tidemark.testing.Await;
import io.tidemark.testing.RandomSeed;
import io.tidemark.testing.TestServer;
import io.tidemark.testing.TidemarkClient;
import io.tidemark.testing.TidemarkServerExtension;
import io.tidemark.testing.UniqueNames;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code GET /api/v1/feed} on a real server: paging by position, filters, long polls, errors, retention. */
@Timeout(300)
@ExtendWith(RandomSeed.class)
class FeedIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Where the readings of the paging tests are, on whole seconds so that their text is short. */
    private static final Instant BASE = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(3600);
    @RegisterExtension
    static final TidemarkServerExtension server = TidemarkServerExtension.withDefaults();

    /** A page stopped by its limit inside a row ends at that event; the next page goes on with the next one. */
    @Test
    void pagesStopInsideARowAndTheNextPageGoesOnFromThere() {
        String sensor = UniqueNames.prefix("page");
        long start = newestRow();
        long a = postRow(sensor, "m", 0, 5);
        long b = postRow(sensor, "m", 5, 3);
        String filter = "&sensor=" + sensor + "*";

        JsonNode first = feed("after=" + start + "&limit=2" + filter);
        assertThat(positions(first)).containsExactly(a + ".0", a + ".1");
        assertThat(first.get("next").asText()).isEqualTo(a + ".1");
        JsonNode reading = first.get("readings").get(0);
        assertThat(reading.get("sensor").asText()).isEqualTo(sensor);
        assertThat(reading.get("metric").asText()).isEqualTo("m");
        assertThat(reading.get("ts").asText()).isEqualTo(timestamp(0).toString());
        assertThat(reading.has("value")).as("a value of 0 is still a value: %s", reading).isTrue();
        assertThat(reading.get("value").asDouble()).isZero();
        assertThat(reading.has("tags")).as("no tags on a tagless series").isFalse();

        JsonNode second = feed("after=" + a + ".1&limit=2" + filter);
        assertThat(positions(second)).containsExactly(a + ".2", a + ".3");
        JsonNode third = feed("after=" + second.get("next").asText() + "&limit=2" + filter);
        assertThat(positions(third)).containsExactly(a + ".4", b + ".0");
        assertThat(values(third)).containsExactly(4.0, 5.0);
        JsonNode fourth = feed("after=" + third.get("next").asText() + "&limit=10" + filter);
        assertThat(positions(fourth)).containsExactly(b + ".1", b + ".2");
        assertThat(fourth.get("next").asText()).as("the whole row was read").isEqualTo(Long.toString(b));
        JsonNode empty = feed("after=" + b + "&limit=10" + filter);
        assertThat(empty.get("readings")).isEmpty();
        assertThat(empty.get("next").asText()).isEqualTo(Long.toString(b));

        assertThat(feed("after=" + start + "&limit=5" + filter).get("next").asText())
                .as("a limit reached at a row's last event stands after the whole row").isEqualTo(Long.toString(a));
        assertThat(values(feed("after=" + start + filter))).as("the default limit")
                .containsExactly(0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0);
    }

    /** Filters pick readings out of rows; a position counts every reading of its row, matching or not. */
    @Test
    void filtersBySensorMetricAndTags() {
        String p = UniqueNames.prefix("filter");
        long start = newestRow();
        server.api().postJson(String.format("""
                [{"sensor":"%1$sone","metric":"m1","ts":"%2$s","value":0},
                 {"sensor":"%1$sone","metric":"m2","ts":"%2$s","value":1},
                 {"sensor":"%1$stwo","metric":"m1","tags":{"host":"a"},"ts":"%2$s","value":2},
                 {"sensor":"%1$stwo","metric":"m1","tags":{"host":"b","cpu":"0"},"ts":"%2$s","value":3},
                 {"sensor":"%1$stwo","metric":"m1","tags":{"host":"a","cpu":"1"},"ts":"%2$s","value":4}]""",
                p, timestamp(0)));
        long row = newestRow();
        String after = "after=" + start;

        assertThat(values(feed(after + "&sensor=" + p + "one"))).containsExactly(0.0, 1.0);
        assertThat(values(feed(after + "&sensor=" + p + "*&metric=m1"))).containsExactly(0.0, 2.0, 3.0, 4.0);
        assertThat(values(feed(after + "&sensor=" + p + "*&metric=m*"))).containsExactly(0.0, 1.0, 2.0, 3.0, 4.0);
        JsonNode hostA = feed(after + "&sensor=" + p + "*&tags=" + encode("{\"host\":\"a\"}"));
        assertThat(positions(hostA)).containsExactly(row + ".2", row + ".4");
        assertThat(hostA.get("readings").get(0).get("tags").toString()).isEqualTo("{\"host\":\"a\"}");
        assertThat(hostA.get("readings").get(1).get("tags").toString()).isEqualTo("{\"cpu\":\"1\",\"host\":\"a\"}");
        assertThat(values(feed(after + "&sensor=" + p + "*&tags=" + encode("{\"host\":\"b\",\"cpu\":\"0\"}"))))
                .containsExactly(3.0);
        assertThat(feed(after + "&sensor=" + p + "three").get("readings")).isEmpty();
    }

    /** A consumer whose filter matches nothing still moves on, so it never reads the same rows again. */
    @Test
    void nextMovesOnPastRowsThatDoNotMatch() {
        String p = UniqueNames.prefix("skip");
        long start = newestRow();
        postRow(p + "other", "m", 0, 3);
        long last = postRow(p + "other", "m", 3, 2);
        JsonNode none = feed("after=" + start + "&sensor=" + p + "wanted");
        assertThat(none.get("readings")).isEmpty();
        assertThat(none.get("next").asText()).isEqualTo(Long.toString(last));

        long wanted = postRow(p + "wanted", "m", 7, 1);
        JsonNode next = feed("after=" + none.get("next").asText() + "&sensor=" + p + "wanted");
        assertThat(positions(next)).containsExactly(wanted + ".0");
    }

    /** With {@code wait}, an empty page waits for a reading to commit and answers with it. */
    @Test
    void aWaitingPageAnswersOnceAReadingCommits() throws Exception {
        String sensor = UniqueNames.prefix("wait");
        long start = newestRow();
        CompletableFuture<HttpResponse<String>> waiting = server.api().sendAsync(HttpRequest.newBuilder(
                server.uri("/api/v1/feed?after=" + start + "&wait=20&sensor=" + sensor + "*"))
                .timeout(Duration.ofSeconds(60)).GET().build());
        Await.pause(500);
        assertThat(waiting).as("nothing committed yet: the page waits").isNotDone();
        postRow(UniqueNames.prefix("other"), "m", 0, 1);
        Await.pause(500);
        assertThat(waiting).as("a reading the filter does not match: the page waits on").isNotDone();
        long row = postRow(sensor, "m", 0, 1);
        HttpResponse<String> answer = waiting.get(15, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(positions(TidemarkClient.json(answer))).containsExactly(row + ".0");

        HttpResponse<String> quiet = server.api().sendAsync(HttpRequest.newBuilder(
                server.uri("/api/v1/feed?after=" + row + "&wait=1&sensor=" + sensor + "*"))
                .timeout(Duration.ofSeconds(60)).GET().build()).get(15, TimeUnit.SECONDS);
        assertThat(quiet.statusCode()).isEqualTo(200);
        assertThat(TidemarkClient.json(quiet).get("readings")).as("nothing within the wait").isEmpty();
        assertThat(TidemarkClient.json(quiet).get("next").asText()).isEqualTo(Long.toString(row));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"after=abc|after", "after=1.2.3|after", "after=-1|after", "limit=0|limit",
        "limit=100001|limit", "limit=x|limit", "wait=0|wait", "wait=31|wait", "tags=notjson|tags", "foo=1|foo"})
    void aBadParameterIs400NamingIt(String query, String parameter) {
        HttpResponse<String> answer = server.get("/api/v1/feed?" + query);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(answer.body()).contains(parameter + ":");
    }

    @Test
    void theFeedAndTheStreamOffAre404WhileReadingsAreStillStored() {
        try (TestServer off = TestServer.start(c -> c.withFeed(new FeedConfig(false, null)))) {
            HttpResponse<String> feed = off.get("/api/v1/feed");
            assertThat(feed.statusCode()).as(feed.body()).isEqualTo(404);
            assertThat(feed.body()).contains("feed.enabled");
            HttpResponse<String> stream = off.get("/api/v1/stream");
            assertThat(stream.statusCode()).as(stream.body()).isEqualTo(404);
            assertThat(stream.headers().firstValue("Retry-After")).as("retrying cannot help").isEmpty();
            assertThat(stream.body()).contains("feed.enabled");

            off.api().postJson("{\"sensor\":\"off\",\"value\":1}");
            assertThat(off.queryLong("SELECT count(*) FROM readings_v WHERE sensor = 'off'")).isEqualTo(1);
            assertThat(off.queryLong("SELECT count(*) FROM feed")).as("nothing appended").isZero();
        }
    }

    /**
     * Once retention removed rows, a consumer after a position older than the oldest row kept is answered 410 with
     * {@code oldest}, from which it can go on; one at the oldest row, or with no {@code after}, reads on.
     */
    @Test
    void anAfterOlderThanRetentionKeepsIs410WithTheOldest() {
        String sensor = UniqueNames.prefix("gone");
        long a = postRow(sensor, "m", 0, 2);
        long b = postRow(sensor, "m", 2, 2);
        Await.pause(50); // older than the 1 ms retention below
        long removed = new FeedRetention(Jdbi.create(() -> server.database().connect()), Duration.ofMillis(1)).trim();
        assertThat(removed).isGreaterThanOrEqualTo(2);
        assertThat(server.queryLong("SELECT position FROM feed_horizon")).isEqualTo(b + 1);

        for (String after : List.of(Long.toString(a), a + ".0", (b - 1) + "", "0")) {
            HttpResponse<String> gone = server.get("/api/v1/feed?after=" + after);
            assertThat(gone.statusCode()).as("after=%s: %s", after, gone.body()).isEqualTo(410);
            JsonNode body = TidemarkClient.json(gone);
            assertThat(body.get("oldest").asText()).isEqualTo(Long.toString(b));
            assertThat(body.get("error").asText()).contains("feed.retention");
        }

        long c = postRow(sensor, "m", 4, 1);
        String filter = "&sensor=" + sensor + "*";
        assertThat(positions(feed("after=" + b + filter))).as("from the oldest").containsExactly(c + ".0");
        JsonNode fromTheStart = feed(filter.substring(1));
        assertThat(positions(fromTheStart)).as("no after: from the oldest row kept").containsExactly(c + ".0");
        assertThat(fromTheStart.get("oldest").asText()).isEqualTo(Long.toString(b));
    }

    /**
     * Several writers on two nodes send readings, late ones among them, while a consumer pages through the feed
     * with random limits from either node: at the end it has read every stored reading of those series exactly once
     * (the multiset equals {@code readings_v}), every position after the one before.
     */
    @Test
    void aFeedConsumerReadsExactlyWhatTheTableHolds(Random random) throws Exception {
        String p = UniqueNames.prefix("rand");
        long seed = random.nextLong();
        long start = newestRow();
        try (TestServer other = TestServer.attach(server.database(), c -> c)) {
            List<TestServer> nodes = List.of(server.get(), other);
            ExecutorService threads = Executors.newFixedThreadPool(4);
            try {
                AtomicLong unique = new AtomicLong();
                Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                List<Future<Integer>> writers = new ArrayList<>();
                for (int w = 0; w < 3; w++) {
                    Random own = new Random(seed + w);
                    writers.add(threads.submit(() -> write(own, nodes, p, now, unique)));
                }
                Consumer consumer = new Consumer(new Random(seed - 1), nodes, "&sensor=" + p + "*", start);
                Future<Integer> pagesWhileWriting = threads.submit(() -> {
                    while (writers.stream().anyMatch(f -> !f.isDone())) consumer.page();
                    return consumer.pages;
                });
                int sent = 0;
                for (Future<Integer> f : writers) sent += f.get(120, TimeUnit.SECONDS);
                pagesWhileWriting.get(120, TimeUnit.SECONDS);
                long end = newestRow();
                while (FeedPosition.parse(consumer.after).compareTo(FeedPosition.afterRow(end)) < 0) consumer.page();

                List<String> table = table(p);
                assertThat(table).as("stored").hasSize(sent);
                List<String> got = new ArrayList<>(consumer.keys);
                Collections.sort(got);
                assertThat(got).as("read from the feed (%d pages)", consumer.pages).isEqualTo(table);
                System.out.printf("feed consumer: %d readings in %d pages (%d while writers wrote)%n", got.size(),
                        consumer.pages, pagesWhileWriting.get());
            } finally {
                threads.shutdownNow();
            }
        }
    }

    /** A consumer keeping its own cursor: checks that positions only grow, and that every reading is after it. */
    private static final class Consumer {
        private final Random random;
        private final List<TestServer> nodes;
        private final String filter;
        private final List<String> keys = new ArrayList<>();
        private String after;
        private FeedPosition last;
        private int pages;
        private boolean caughtUp;

        Consumer(Random random, List<TestServer> nodes, String filter, long start) {
            this.random = random;
            this.nodes = nodes;
            this.filter = filter;
            this.after = Long.toString(start);
        }

        void page() {
            int limit = 1 + random.nextInt(random.nextBoolean() ? 5 : 100);
            TestServer node = nodes.get(random.nextInt(nodes.size()));
            // Caught up, it sometimes long-polls (answered when any row commits, or after a second).
            String wait = caughtUp && random.nextBoolean() ? "&wait=1" : "";
            JsonNode page = node.getJson("/api/v1/feed?after=" + after + "&limit=" + limit + filter + wait);
            pages++;
            JsonNode readings = page.get("readings");
            caughtUp = readings.isEmpty();
            assertThat(readings.size()).isLessThanOrEqualTo(limit);
            for (JsonNode r : readings) {
                FeedPosition position = FeedPosition.parse(r.get("position").asText());
                if (last != null) assertThat(position).as("position after %s", last).isGreaterThan(last);
                assertThat(position).as("after the page's after").isGreaterThan(FeedPosition.parse(after));
                last = position;
                keys.add(key(r.get("sensor").asText(), r.get("metric").asText(), tags(r.get("tags")),
                        Instant.parse(r.get("ts").asText()), r.get("value").asDouble()));
            }
            FeedPosition next = FeedPosition.parse(page.get("next").asText());
            assertThat(next).as("next never goes back").isGreaterThanOrEqualTo(FeedPosition.parse(after));
            if (last != null) assertThat(next).as("next is past what the page held").isGreaterThanOrEqualTo(last);
            after = next.toString();
        }
    }

    /** One writer: requests of 1 to 40 readings to random nodes, a fifth of them late; returns readings sent. */
    private static int write(Random random, List<TestServer> nodes, String prefix, Instant now, AtomicLong unique) {
        int sent = 0;
        for (int request = 0; request < 30; request++) {
            StringBuilder body = new StringBuilder();
            int count = 1 + random.nextInt(40);
            for (int i = 0; i < count; i++) {
                int series = random.nextInt(6);
                // Unique timestamps keep every body distinct (a repeated body is a replay, stored once).
                Instant ts = random.nextInt(5) == 0
                        ? now.minus(1 + random.nextInt(48 * 60), ChronoUnit.MINUTES).plus(unique.incrementAndGet(),
                                ChronoUnit.MICROS)
                        : now.minusSeconds(600).plus(unique.incrementAndGet(), ChronoUnit.MICROS);
                body.append(String.format("{\"sensor\":\"%s%d\",\"metric\":\"%s\",%s\"ts\":\"%s\",\"value\":%s}\n",
                        prefix, series % 3, series < 3 ? "a" : "b", series == 5 ? "\"tags\":{\"host\":\"h\"}," : "",
                        ts, random.nextInt(200_000) / 100.0));
            }
            HttpResponse<String> answer = nodes.get(random.nextInt(nodes.size())).post("/api/v1/readings",
                    "application/x-ndjson", body.toString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            sent += count;
            Await.pause(random.nextInt(15)); // so that the consumer reads while rows still come
        }
        return sent;
    }

    private static List<String> table(String prefix) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = server.database().connect();
                PreparedStatement s = c.prepareStatement(
                        "SELECT sensor, metric, tags::text, ts, value FROM readings_v WHERE starts_with(sensor, ?)")) {
            s.setString(1, prefix);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(key(rs.getString(1), rs.getString(2), JSON.readValue(rs.getString(3),
                            new TypeReference<TreeMap<String, String>>() {}),
                            rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getDouble(5)));
                }
            }
        }
        Collections.sort(rows);
        return rows;
    }

    private static Map<String, String> tags(JsonNode tags) {
        return tags == null ? Map.of() : JSON.convertValue(tags, new TypeReference<TreeMap<String, String>>() {});
    }

    private static String key(String sensor, String metric, Map<String, String> tags, Instant ts, double value) {
        return sensor + "|" + metric + "|" + new TreeMap<>(tags) + "|" + ts + "|" + value;
    }

    private static JsonNode feed(String query) {
        return server.getJson("/api/v1/feed?" + query);
    }

    private static List<String> positions(JsonNode page) {
        List<String> positions = new ArrayList<>();
        page.get("readings").forEach(r -> positions.add(r.get("position").asText()));
        return positions;
    }

    private static List<Double> values(JsonNode page) {
        List<Double> values = new ArrayList<>();
        page.get("readings").forEach(r -> values.add(r.get("value").asDouble()));
        return values;
    }

    /** The newest feed row committed. */
    private static long newestRow() {
        return server.queryLong("SELECT coalesce(max(position), 0) FROM feed");
    }

    private static Instant timestamp(int i) {
        return BASE.plusMillis(i);
    }

    /** One request, so one feed row (returned): readings with values from {@code from}, a millisecond apart. */
    private static long postRow(String sensor, String metric, int from, int count) {
        StringBuilder body = new StringBuilder("[");
        for (int v = from; v < from + count; v++) {
            if (v > from) body.append(',');
            body.append(String.format("{\"sensor\":\"%s\",\"metric\":\"%s\",\"ts\":\"%s\",\"value\":%d}", sensor,
                    metric, timestamp(v), v));
        }
        server.api().postJson(body.append(']').toString());
        return newestRow();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
