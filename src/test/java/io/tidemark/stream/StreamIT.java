package io.tidemark.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.config.AlertRuleConfig;
import io.tidemark.config.StreamConfig;
import io.tidemark.testing.Metrics;
import io.tidemark.testing.Poll;
import io.tidemark.testing.SseClient;
import io.tidemark.testing.TidemarkServerExtension;
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
     * queue and the socket buffers hold: every ingest request still succeeds, the stalled client's readings are
     * skipped and counted, and once it reads again it gets exactly what was not skipped, then a notice.
     */
    @Test
    void stalledClientIsSkippedAndToldWhileIngestGoesOn() throws Exception {
        int requests = 100;
        int perRequest = 1000;
        long total = (long) requests * perRequest;
        double droppedBefore = Metrics.value(server.get(), "tidemark_stream_events_dropped_total{type=\"reading\"}");
        try (SseClient stalled = SseClient.openPaused(server.get(), "sensor=bulk-*");
                SseClient live = SseClient.open(server.get(), "sensor=bulk-*")) {
            Poll.until("both clients are subscribed",
                    () -> Metrics.value(server.get(), "tidemark_stream_clients") == 2);
            Instant base = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(600);
            for (int r = 0; r < requests; r++) {
                StringBuilder body = new StringBuilder();
                for (int i = 0; i < perRequest; i++) {
                    body.append(String.format("{\"sensor\":\"bulk-%d\",\"ts\":%d,\"value\":%d}\n", i % 10,
                            base.plusMillis(r * perRequest + i).toEpochMilli(), i));
                }
                HttpResponse<String> answer = server.post("/api/v1/readings", "application/x-ndjson", body.toString());
                assertThat(answer.statusCode()).as("ingest request %d while a client stalls", r).isEqualTo(200);
            }
            assertThat(Metrics.value(server.get(), "tidemark_stream_events_dropped_total{type=\"reading\"}"))
                    .as("readings skipped for the stalled client are counted").isGreaterThan(droppedBefore);

            stalled.resume();
            stalled.next("ready");
            long[] stalledCounts = drain(stalled, total);
            assertThat(stalledCounts[1]).as("the stalled client was told of skipped readings").isPositive();
            long[] liveCounts = drain(live, total);
            System.out.printf("stalled client: %d readings received, %d skipped;"
                    + " live client: %d received, %d skipped%n", stalledCounts[0], stalledCounts[1], liveCounts[0],
                    liveCounts[1]);
        }
    }

    @Test
    void badFilterIs400AndTooManyClientsIs503() {
        HttpResponse<String> bad = server.get("/api/v1/stream?events=everything&sensor=&foo=1");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("events: must be one of all, readings, alerts").contains("sensor: is empty")
                .contains("foo: unknown parameter");

        List<SseClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CLIENTS; i++) clients.add(SseClient.open(server.get(), ""));
            HttpResponse<String> full = server.get("/api/v1/stream");
            assertThat(full.statusCode()).isEqualTo(503);
            assertThat(full.headers().firstValue("Retry-After")).isPresent();
            assertThat(full.body()).contains("stream.max_clients");
        } finally {
            clients.forEach(SseClient::close);
        }
    }

    /**
     * Reads until every one of {@code total} readings is accounted for as received or skipped; checks that each
     * skipped notice comes after readings it did not replace. Returns {received, skipped}.
     */
    private static long[] drain(SseClient client, long total) {
        long received = 0;
        long skipped = 0;
        while (received + skipped < total) {
            SseClient.Event e = client.next();
            switch (e.name()) {
                case "reading" -> received++;
                case "skipped" -> skipped += e.json().get("readings").asLong();
                default -> throw new AssertionError("unexpected event " + e);
            }
        }
        assertThat(received + skipped).isEqualTo(total);
        return new long[] {received, skipped};
    }

    private static String key(SseClient.Event e) {
        var j = e.json();
        return j.get("sensor").asText() + "/" + j.get("metric").asText() + "/" + j.get("ts").asText() + "/"
                + j.get("value").asDouble();
    }
}
