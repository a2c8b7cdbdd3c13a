package io.tidemark.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.config.AlertRuleConfig;
import io.tidemark.config.StreamConfig;
import io.tidemark.feed.FeedPosition;
import io.tidemark.testing.Metrics;
import io.tidemark.testing.Poll;
import io.tidemark.testing.SseClient;
import io.tidemark.testing.TestServer;
import io.tidemark.testing.TidemarkServerExtension;
import io.tidemark.testing.UniqueNames;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code GET /api/v1/stream} with real SSE clients over HTTP. */
@Timeout(300)
class StreamIT {
    private static final int CLIENT_QUEUE = 1000;
    private static final int MAX_CLIENTS = 4;
    @RegisterExtension
    static final TidemarkServerExtension server = TidemarkServerExtension.with(c -> c
            .withStream(new StreamConfig(MAX_CLIENTS, CLIENT_QUEUE, Duration.ofMillis(200)))
            .withAlerts(c.alerts().withRules(List.of(new AlertRuleConfig("siren", "alarm-*", "*", 0.0, null, null,
                    null, null, "critical", "alarm raised", null)))));

    /** Clients closed by an earlier test are noticed at their next keep-alive (200 ms here). */
    @BeforeEach
    void noClientsLeft() {
        Poll.until("earlier stream clients are gone",
                () -> Metrics.value(server.get(), "tidemark_stream_clients") == 0);
    }

    @Test
    void streamsEveryCommittedReadingAndOnlyWhatTheFilterAsksFor() {
        Instant base = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60);
        try (SseClient all = SseClient.open(server.get(), "");
                SseClient boilers = SseClient.open(server.get(), "sensor=boiler-*&metric=temperature");
                SseClient alerts = SseClient.open(server.get(), "events=alerts")) {
            List<String> posted = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                String sensor = i % 3 == 0 ? "boiler-" + i : i % 3 == 1 ? "pump-" + i : "boiler-x";
                String metric = i % 2 == 0 ? "temperature" : "pressure";
                long ts = base.plusMillis(i).toEpochMilli();
                server.api().postJson(String.format("{\"sensor\":\"%s\",\"metric\":\"%s\",\"ts\":%d,\"value\":%d}",
                        sensor, metric, ts, i));
                posted.add(sensor + "/" + metric + "/" + Instant.ofEpochMilli(ts) + "/" + (double) i);
            }
            server.api().postJson("{\"sensor\":\"alarm-1\",\"value\":1}"); // fires the rule

            List<String> got = new ArrayList<>();
            for (int i = 0; i < posted.size(); i++) {
                SseClient.Event e = all.next("reading");
                got.add(key(e));
                // Streamed only after commit: whatever a client sees is already in the table.
                assertThat(server.queryLong("SELECT count(*) FROM readings_v WHERE sensor = '"
                        + e.json().get("sensor").asText() + "' AND ts = '" + e.json().get("ts").asText() + "'"))
                        .as("reading %s is committed when streamed", e.data()).isEqualTo(1);
            }
            assertThat(got).isEqualTo(posted);

            List<String> wanted = posted.stream().filter(k -> k.startsWith("boiler-") && k.contains("/temperature/"))
                    .toList();
            List<String> filtered = new ArrayList<>();
            for (int i = 0; i < wanted.size(); i++) filtered.add(key(boilers.next("reading")));
            assertThat(filtered).isEqualTo(wanted);

            // The alerts-only client's first event is the alert: none of the readings before it were sent to it.
            SseClient.Event alert = alerts.next();
            assertThat(alert.name()).isEqualTo("alert");
            assertThat(alert.json().get("event").asText()).isEqualTo("fired");
            assertThat(alert.json().get("sensor").asText()).isEqualTo("alarm-1");
            // ... and the reading filter keeps it from the boiler client, which sees nothing more.
            server.api().postJson("{\"sensor\":\"boiler-1\",\"metric\":\"temperature\",\"value\":5}");
            assertThat(boilers.next("reading").json().get("value").asDouble()).isEqualTo(5.0);
        }
    }

    @Test
    void aTagFilterStreamsOnlySeriesWhoseTagsContainIt() {
        String filter = "sensor=cpu&tags=" + java.net.URLEncoder.encode("{\"host\":\"a\"}",
                java.nio.charset.StandardCharsets.UTF_8);
        try (SseClient hostA = SseClient.open(server.get(), filter)) {
            server.api().postJson("""
                    [{"sensor":"cpu","metric":"idle","tags":{"host":"b"},"value":1},
                     {"sensor":"cpu","metric":"idle","value":2},
                     {"sensor":"cpu","metric":"idle","tags":{"host":"a","cpu":"cpu0"},"value":3},
                     {"sensor":"cpu","metric":"idle","tags":{"host":"a"},"value":4}]""");
            SseClient.Event first = hostA.next("reading");
            assertThat(first.json().get("value").asDouble()).isEqualTo(3);
            assertThat(first.json().get("tags").toString()).isEqualTo("{\"cpu\":\"cpu0\",\"host\":\"a\"}");
            assertThat(hostA.next("reading").json().get("value").asDouble()).isEqualTo(4);
            server.api().postJson("{\"sensor\":\"cpu\",\"metric\":\"idle\",\"tags\":{\"host\":\"a\"},\"value\":5}");
            assertThat(hostA.next("reading").json().get("value").asDouble()).isEqualTo(5);
        }
    }

    /**
     * One client stalls (opens the stream and reads nothing) while 100,000 readings are ingested, far more than its
     * cursor may hold in memory (stream.client_queue) and the socket buffers: every ingest request still succeeds,
     * and once it reads again it gets every reading, exactly in commit order (read back from the table), as the live
     * client does. No event is skipped any more.
     */
    @Test
    void stalledClientGetsEverythingInOrderWhileIngestGoesOn() throws Exception {
        int requests = 100;
        int perRequest = 1000;
        double catchUpsBefore = Metrics.value(server.get(), "tidemark_feed_catchups_total");
        try (SseClient stalled = SseClient.openPaused(server.get(), "sensor=bulk-*");
                SseClient live = SseClient.open(server.get(), "sensor=bulk-*")) {
            Poll.until("both clients are subscribed",
                    () -> Metrics.value(server.get(), "tidemark_stream_clients") == 2);
            Instant base = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(600);
            List<String> posted = new ArrayList<>(requests * perRequest);
            for (int r = 0; r < requests; r++) {
                StringBuilder body = new StringBuilder();
                for (int i = 0; i < perRequest; i++) {
                    Instant ts = base.plusMillis(r * perRequest + i);
                    body.append(String.format("{\"sensor\":\"bulk-%d\",\"ts\":%d,\"value\":%d}\n", i % 10,
                            ts.toEpochMilli(), i));
                    posted.add("bulk-" + i % 10 + "/" + ts + "/" + (double) i);
                }
                HttpResponse<String> answer = server.post("/api/v1/readings", "application/x-ndjson", body.toString());
                assertThat(answer.statusCode()).as("ingest request %d while a client stalls", r).isEqualTo(200);
            }

            stalled.resume();
            stalled.next("ready");
            assertThat(drain(stalled, posted.size())).as("what the stalled client got").isEqualTo(posted);
            assertThat(drain(live, posted.size())).as("what the live client got").isEqualTo(posted);
            double catchUps = Metrics.value(server.get(), "tidemark_feed_catchups_total") - catchUpsBefore;
            System.out.printf("stalled and live client: %d readings each; feed cursors caught up from the table"
                    + " %.0f times%n", posted.size(), catchUps);
            assertThat(catchUps).as("the stalled client fell behind its memory and read the table").isPositive();
            // Nothing more is due: the next event either client gets is the next reading committed.
            server.api().postJson("{\"sensor\":\"bulk-end\",\"value\":1}");
            assertThat(stalled.next("reading").json().get("sensor").asText()).isEqualTo("bulk-end");
            assertThat(live.next("reading").json().get("sensor").asText()).isEqualTo("bulk-end");
        }
    }

    /**
     * A client that reads some events and goes away, then reconnects with the id of the last event it took (in
     * {@code Last-Event-ID}, as an EventSource does, or as {@code ?after=}), gets exactly the events it missed, in
     * order, then what commits later: none twice, none lost, though it stopped inside a row.
     */
    @ParameterizedTest(name = "resuming by {0}")
    @ValueSource(strings = {"Last-Event-ID", "after"})
    void aReconnectingClientGetsExactlyWhatItMissed(String how) {
        String sensor = UniqueNames.prefix("resume");
        String filter = "sensor=" + sensor + "*";
        String lastId;
        try (SseClient first = SseClient.open(server.get(), filter)) {
            postRow(sensor, 0, 3);
            postRow(sensor, 3, 2);
            assertThat(values(first, 4)).containsExactly(0.0, 1.0, 2.0, 3.0);
            lastId = last.id();
        }
        postRow(sensor, 5, 3); // while it is away
        postRow("other-" + sensor, 100, 2); // not for it
        postRow(sensor, 8, 1);
        try (SseClient again = how.equals("after") ? SseClient.open(server.get(), filter + "&after=" + lastId)
                : SseClient.resume(server.get(), filter, lastId)) {
            assertThat(again.ready().json().get("after").asText()).isEqualTo(lastId);
            assertThat(values(again, 5)).containsExactly(4.0, 5.0, 6.0, 7.0, 8.0);
            postRow(sensor, 9, 1);
            assertThat(values(again, 1)).as("nothing twice: the next event is the next reading").containsExactly(9.0);
        }
    }

    /** Resuming at a position of another node's stream (positions are the same on every node). */
    @Test
    void aClientResumesOnAnotherNodeWhereItStopped() {
        String sensor = UniqueNames.prefix("nodes");
        String filter = "sensor=" + sensor + "*";
        try (TestServer other = TestServer.attach(server.database(), c -> c)) {
            String lastId;
            try (SseClient onFirst = SseClient.open(server.get(), filter)) {
                postRow(sensor, 0, 2);
                assertThat(values(onFirst, 1)).containsExactly(0.0);
                lastId = last.id();
            }
            other.api().postJson("{\"sensor\":\"" + sensor + "x\",\"value\":2}");
            postRow(sensor, 3, 1);
            try (SseClient onOther = SseClient.resume(other, filter, lastId)) {
                assertThat(values(onOther, 3)).containsExactly(1.0, 2.0, 3.0);
            }
        }
    }

    /**
     * A client whose position retention has removed is told so ({@code reset}: what it asked for, where the feed now
     * starts) and then gets everything from there; a position just at the oldest row kept is no reset.
     */
    @Test
    void aPositionRetentionRemovedGetsAResetThenEverythingFromTheOldestRow() {
        String sensor = UniqueNames.prefix("reset");
        String filter = "sensor=" + sensor + "*";
        postRow(sensor, 0, 2);
        long removed = server.queryLong("SELECT max(position) FROM feed");
        postRow(sensor, 2, 2);
        // What FeedRetention does: the rows and the horizon in one statement.
        server.execute("WITH gone AS (DELETE FROM feed WHERE position <= " + removed + ")"
                + " UPDATE feed_horizon SET position = " + (removed + 1));

        try (SseClient truncated = SseClient.resume(server.get(), filter, removed + ".0")) {
            SseClient.Event reset = truncated.next("reset");
            assertThat(reset.json().get("requested").asText()).isEqualTo(removed + ".0");
            assertThat(reset.json().get("oldest").asText()).isEqualTo(Long.toString(removed));
            assertThat(reset.json().get("message").asText()).contains("feed.retention");
            assertThat(values(truncated, 2)).containsExactly(2.0, 3.0);
        }
        try (SseClient atTheEdge = SseClient.resume(server.get(), filter, Long.toString(removed))) {
            assertThat(values(atTheEdge, 2)).as("no reset: nothing after %d is gone", removed)
                    .containsExactly(2.0, 3.0);
        }
    }

    /** The last event {@link #values} read. */
    private SseClient.Event last;

    /** The values of the next {@code count} events, which must be readings. */
    private List<Double> values(SseClient client, int count) {
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            last = client.next("reading");
            values.add(last.json().get("value").asDouble());
        }
        return values;
    }

    /** One request, so one feed row: readings of {@code sensor} with values (and millisecond offsets) from. */
    private static void postRow(String sensor, int from, int count) {
        Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(30);
        StringBuilder body = new StringBuilder("[");
        for (int v = from; v < from + count; v++) {
            if (v > from) body.append(',');
            body.append(String.format("{\"sensor\":\"%s\",\"ts\":\"%s\",\"value\":%d}", sensor,
                    base.plusMillis(v), v));
        }
        server.api().postJson(body.append(']').toString());
    }

    @Test
    void badFilterIs400AndTooManyClientsIs503() {
        HttpResponse<String> bad = server.get("/api/v1/stream?events=everything&sensor=&foo=1");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("events: must be one of all, readings, alerts").contains("sensor: is empty")
                .contains("foo: unknown parameter");

        double rejectedBefore = Metrics.value(server.get(), "tidemark_stream_clients_rejected_total");
        List<SseClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CLIENTS; i++) clients.add(SseClient.open(server.get(), ""));
            HttpResponse<String> full = server.get("/api/v1/stream");
            assertThat(full.statusCode()).isEqualTo(503);
            assertThat(full.headers().firstValue("Retry-After")).isPresent();
            assertThat(full.body()).contains("stream.max_clients");
            assertThat(Metrics.value(server.get(), "tidemark_stream_clients_rejected_total"))
                    .as("refused clients are counted").isEqualTo(rejectedBefore + 1);
        } finally {
            clients.forEach(SseClient::close);
        }
    }

    /**
     * Reads {@code count} readings, which must come with strictly increasing ids (feed positions) and no other event
     * between them; returns them as "sensor/ts/value".
     */
    private static List<String> drain(SseClient client, int count) {
        List<String> got = new ArrayList<>(count);
        FeedPosition last = null;
        while (got.size() < count) {
            SseClient.Event e = client.next("reading");
            FeedPosition id = FeedPosition.parse(e.id());
            if (last != null && id.compareTo(last) <= 0) {
                throw new AssertionError("event id " + id + " after " + last + " (reading " + got.size() + ")");
            }
            last = id;
            var j = e.json();
            got.add(j.get("sensor").asText() + "/" + j.get("ts").asText() + "/" + j.get("value").asDouble());
        }
        return got;
    }

    private static String key(SseClient.Event e) {
        var j = e.json();
        return j.get("sensor").asText() + "/" + j.get("metric").asText() + "/" + j.get("ts").asText() + "/"
                + j.get("value").asDouble();
    }
}
