package io.tidemark.http;

import static io.tidemark.testing.Bodies.JSON;
import static io.tidemark.testing.Bodies.NDJSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.testing.Await;
import io.tidemark.testing.Bodies;
import io.tidemark.testing.PrometheusText;
import io.tidemark.testing.RandomReadings;
import io.tidemark.testing.RandomSeed;
import io.tidemark.testing.Reading;
import io.tidemark.testing.TableLock;
import io.tidemark.testing.TidemarkClient;
import io.tidemark.testing.TidemarkServerExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What an operator sees: {@code GET /health} as JSON, {@code GET /metrics} as Prometheus text. */
@ExtendWith(RandomSeed.class)
class HealthAndMetricsIT {
    private static final String READINGS_ROUTE = TidemarkClient.READINGS;
    /** An instance field: each test starts from a fresh server, its counters at zero. */
    @RegisterExtension
    final TidemarkServerExtension server = TidemarkServerExtension.withConfig("ingest:\n  queue_capacity: 1000\n");

    private PrometheusText scrape() {
        HttpResponse<String> response = server.api().metrics();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
        return PrometheusText.parse(response.body());
    }

    private double requests(PrometheusText metrics, String status) {
        List<PrometheusText.Sample> samples = metrics.samples("tidemark_http_requests_seconds_count",
                Map.of("route", READINGS_ROUTE, "status", status, "method", "POST"));
        return samples.stream().mapToDouble(PrometheusText.Sample::value).sum();
    }

    @Test
    void healthReportsDatabaseAndQueue() {
        HttpResponse<String> response = server.api().health();

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode health = TidemarkClient.json(response);
        assertThat(health.fieldNames()).toIterable().containsExactly("status", "database", "queue", "writes");
        assertThat(health.path("status").asText()).isEqualTo("ok");
        assertThat(health.path("database").asText()).isEqualTo("up");
        assertThat(health.path("queue").fieldNames()).toIterable().containsExactlyInAnyOrder("readings", "capacity");
        assertThat(health.path("queue").path("readings").asInt()).isZero();
        assertThat(health.path("queue").path("capacity").asInt()).isEqualTo(1000);
        assertThat(health.path("writes").path("status").asText()).as("writes refused (see DiskFullIT)").isEqualTo("ok");
    }

    @Test
    void healthWithoutMetricsScopeShowsOnlyStatusAndQueue() {
        HttpResponse<String> response = server.api().get("/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(TidemarkClient.json(response).fieldNames()).toIterable().containsExactly("status", "queue");
    }

    @Test
    void metricsCountReadingsRequestsByStatusBatchesAndCommits(Random random) {
        int accepted = 0;
        int requests = 2 + random.nextInt(5);
        for (int i = 0; i < requests; i++) {
            List<Reading> readings = new RandomReadings(random, "metrics-").next(1 + random.nextInt(300));
            server.api().postNdjson(readings);
            accepted += readings.size();
        }
        List<Reading> keyed = new RandomReadings(random, "metrics-keyed-").next(7);
        server.api().postNdjson(keyed, "Idempotency-Key", "metrics-1");
        server.api().postNdjson(keyed, "Idempotency-Key", "metrics-1"); // the replay, answered 200 as well
        accepted += keyed.size();
        int bad = 1 + random.nextInt(20);
        List<String> invalid = new ArrayList<>();
        for (int i = 0; i < bad; i++) invalid.add("{\"sensor\":\"metrics-bad\"}");
        assertThat(server.api().postReadings(NDJSON, Bodies.ndjson(invalid)).statusCode()).isEqualTo(400);
        assertThat(server.api().postReadings("text/plain", "x").statusCode()).isEqualTo(415);
        int expectedOk = requests + 2;

        // The request counter is updated just after each answer is sent.
        PrometheusText metrics = Await.until("the last request to be counted", this::scrape,
                m -> requests(m, "415") == 1 && requests(m, "200") == expectedOk);

        assertThat(metrics.sum("tidemark_readings_accepted_total")).isEqualTo(accepted);
        assertThat(metrics.sum("tidemark_readings_rejected_total")).isEqualTo(bad);
        assertThat(requests(metrics, "400")).isEqualTo(1);
        assertThat(metrics.sum("tidemark_ingest_batch_readings_sum")).as("readings written in batches")
                .isEqualTo(accepted);
        // At most a batch per request that reached the writer: each plain one, the keyed one and its replay (told
        // apart where its key is claimed, in a batch).
        assertThat(metrics.sum("tidemark_ingest_batch_readings_count")).isBetween(1.0, (double) requests + 2);
        assertThat(metrics.samples("tidemark_ingest_batch_readings_bucket", Map.of())).isNotEmpty();
        assertThat(metrics.sum("tidemark_ingest_commit_seconds_count"))
                .isEqualTo(metrics.sum("tidemark_ingest_batch_readings_count"));
        assertThat(metrics.samples("tidemark_ingest_commit_seconds_bucket", Map.of())).isNotEmpty();
        assertThat(metrics.sum("tidemark_ingest_queue_readings")).isZero();
        assertThat(metrics.sum("tidemark_ingest_refused_total", Map.of("reason", "disk_full"))).isZero();
        assertThat(metrics.sum("tidemark_ingest_out_of_resources")).isZero();
        assertThat(metrics.has("hikaricp_connections")).as("pool metrics").isTrue();
        assertThat(metrics.has("jvm_memory_used_bytes")).as("JVM metrics").isTrue();
    }

    @Test
    void queueDepthShowsReadingsWaitingForABlockedWriter(Random random) {
        int size = 1 + random.nextInt(500);
        List<Reading> readings = new RandomReadings(random, "waiting-").next(size);
        byte[] body = Bodies.ndjson(Bodies.json(readings, Reading.TimestampStyle.RFC3339))
                .getBytes(StandardCharsets.UTF_8);
        CompletableFuture<HttpResponse<String>> answer;
        try (TableLock lock = server.database().lockTable("readings")) {
            answer = server.api().sendAsync(server.api().readings(body, "Content-Type", NDJSON).build());

            Await.until("the readings to wait in the queue", () -> server.api().queuedReadings() == size);
            assertThat(scrape().sum("tidemark_ingest_queue_readings")).isEqualTo(size);
        }

        assertThat(answer.join().statusCode()).isEqualTo(200);
        assertThat(scrape().sum("tidemark_ingest_queue_readings")).isZero();
        assertThat(server.api().queuedReadings()).isZero();
        assertThat(server.api().postReadings(JSON, "{\"sensor\":\"after\",\"value\":1}").statusCode()).isEqualTo(200);
    }
}
