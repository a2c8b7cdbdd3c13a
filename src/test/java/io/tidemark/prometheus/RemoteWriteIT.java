package io.tidemark.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.testing.Await;
import io.tidemark.testing.LogCapture;
import io.tidemark.testing.Metrics;
import io.tidemark.testing.RemoteWriteRequest;
import io.tidemark.testing.RemoteWriteRequest.Sample;
import io.tidemark.testing.TableLock;
import io.tidemark.testing.TidemarkClient;
import io.tidemark.testing.TidemarkServerExtension;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code POST /api/v1/write} as Prometheus uses it: 204 after commit, labels as tags, a resent batch stored once,
 * metadata-only requests answered and ignored, NaN and staleness markers skipped and counted, and every kind of
 * refusal with the status Prometheus acts on rightly (400 to drop what can never be stored, 503 to retry) and a
 * message, storing nothing. Anonymous access is off, so the credentials Prometheus sends are exercised too.
 */
@Timeout(60)
class RemoteWriteIT {
    private static final int MAX_BODY_BYTES = 256 * 1024;
    private static final int QUEUE_CAPACITY = 5000;
    @RegisterExtension
    static final TidemarkServerExtension server = TidemarkServerExtension.withConfig("auth:\n  anonymous: []\n"
            + "ingest:\n  max_body_bytes: " + MAX_BODY_BYTES + "\n  queue_capacity: " + QUEUE_CAPACITY
            + "\n  commit_timeout: 1m\n");
    private static final String[] PROMETHEUS_HEADERS = {"Content-Encoding", "snappy",
        "Content-Type", "application/x-protobuf", "X-Prometheus-Remote-Write-Version", "0.1.0",
        "User-Agent", "Prometheus/2.42.0"};

    private static String writer;
    private static String reader;
    private String job;
    private long t;

    @BeforeAll
    static void tokens() {
        writer = token("prometheus", "[\"write\"]");
        reader = token("dashboards", "[\"read\"]");
    }

    private static String token(String name, String scopes) {
        HttpResponse<String> answer = server.admin("POST", "/admin/tokens", "{\"name\": \"" + name
                + "\", \"scopes\": " + scopes + "}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        return TidemarkClient.json(answer).path("secret").asText();
    }

    @BeforeEach
    void names() {
        job = "job-" + UUID.randomUUID().toString().substring(0, 8);
        t = Instant.now().minusSeconds(120).toEpochMilli();
    }

    private static HttpResponse<String> send(byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.get().uri("/api/v1/write"))
                .timeout(Duration.ofSeconds(30)).POST(BodyPublishers.ofByteArray(body));
        request.headers(headers);
        return server.get().send(request.build());
    }

    /** Sends {@code body} as Prometheus does, with the writer's Bearer token. */
    private static HttpResponse<String> write(byte[] body) {
        return send(body, headers("Authorization", "Bearer " + writer));
    }

    private static String[] headers(String... more) {
        List<String> all = new ArrayList<>(List.of(PROMETHEUS_HEADERS));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    /** Asserts a JSON error answer with {@code status} and returns its message. */
    private static String error(HttpResponse<String> answer, int status) {
        assertThat(answer.statusCode()).as("answer: %s", answer.body()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(answer.body()).as("one line: Prometheus logs the first line of the answer").doesNotContain("\n");
        return TidemarkClient.json(answer).path("error").asText();
    }

    private long stored() {
        return server.queryLong("SELECT count(*) FROM readings_v WHERE tags->>'job' = '" + job + "'");
    }

    private List<List<String>> rows() {
        return server.get().database().queryRows("SELECT sensor, metric, tags::text,"
                + " (extract(epoch FROM ts) * 1000)::bigint, value FROM readings_v WHERE tags->>'job' = '" + job
                + "' ORDER BY sensor, tags::text, ts");
    }

    @Test
    void samplesAreStoredWithTheirLabelsAsTagsAndAnsweredWith204() {
        byte[] body = new RemoteWriteRequest()
                .series("node_cpu_seconds_total", List.of("cpu", "0", "instance", "h:9100", "job", job,
                        "mode", "idle"), Sample.of(1234.5, t), Sample.of(1236.25, t + 15_000))
                .series("up", List.of("instance", "h:9100", "job", job), Sample.of(1, t))
                .body();
        HttpResponse<String> answer = write(body);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(204);
        assertThat(answer.body()).isEmpty();
        String cpu = "{\"cpu\": \"0\", \"job\": \"" + job + "\", \"mode\": \"idle\", \"instance\": \"h:9100\"}";
        assertThat(rows()).containsExactly(
                List.of("node_cpu_seconds_total", "value", cpu, Long.toString(t), "1234.5"),
                List.of("node_cpu_seconds_total", "value", cpu, Long.toString(t + 15_000), "1236.25"),
                List.of("up", "value", "{\"job\": \"" + job + "\", \"instance\": \"h:9100\"}", Long.toString(t),
                        "1"));
    }

    @Test
    void aResentBatchIsStoredOnce() {
        byte[] body = new RemoteWriteRequest().series("up", List.of("job", job), Sample.of(1, t), Sample.of(0, t + 1))
                .body();
        double replayedBefore = Metrics.value(server.get(), "tidemark_remote_write_samples_replayed_total");
        assertThat(write(body).statusCode()).isEqualTo(204);
        HttpResponse<String> again = write(body);
        assertThat(again.statusCode()).isEqualTo(204);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(stored()).isEqualTo(2);
        assertThat(Metrics.value(server.get(), "tidemark_remote_write_samples_replayed_total") - replayedBefore)
                .isEqualTo(2);
        // Another batch with one sample more is new data, not a resend.
        byte[] more = new RemoteWriteRequest().series("up", List.of("job", job), Sample.of(1, t), Sample.of(0, t + 1),
                Sample.of(1, t + 2)).body();
        assertThat(write(more).headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(stored()).isEqualTo(5);
    }

    @Test
    void metadataOnlyRequestsAreAnsweredAndStoreNothing() {
        long series = server.queryLong("SELECT count(*) FROM series");
        HttpResponse<String> answer = write(new RemoteWriteRequest().metadata("up", "1 if the target is up")
                .metadata("node_load1", "1m load average").body());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(204);
        assertThat(write(RemoteWriteRequest.snappy(new byte[0])).statusCode()).isEqualTo(204);
        assertThat(server.queryLong("SELECT count(*) FROM series")).isEqualTo(series);
    }

    @Test
    void nanAndStaleMarkersAreSkippedAndCountedWithoutFailingTheBatch() {
        String stale = "tidemark_readings_skipped_total{reason=\"stale_marker\"}";
        String nan = "tidemark_readings_skipped_total{reason=\"nan\"}";
        double staleBefore = Metrics.value(server.get(), stale);
        double nanBefore = Metrics.value(server.get(), nan);
        byte[] body = new RemoteWriteRequest().series("go_gc_duration_seconds", List.of("job", job,
                "quantile", "0.5"), Sample.of(0.001, t), Sample.of(Double.NaN, t + 1),
                new Sample(RemoteWriteRequest.STALE_MARKER_BITS, t + 2)).body();
        HttpResponse<String> answer = write(body);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(204);
        assertThat(answer.headers().firstValue("X-Tidemark-Skipped-Samples")).hasValue("2");
        assertThat(rows()).extracting(row -> row.get(4)).containsExactly("0.001");
        assertThat(Metrics.value(server.get(), stale) - staleBefore).isEqualTo(1);
        assertThat(Metrics.value(server.get(), nan) - nanBefore).isEqualTo(1);
    }

    @Test
    void aBodyThatIsNotSnappyOrNotAWriteRequestIs400AndStoresNothingAndTheNextIsTaken() {
        byte[] protobuf = new RemoteWriteRequest().series("up", List.of("job", job), Sample.of(1, t)).protobuf();
        try (LogCapture log = LogCapture.start()) {
            assertThat(error(write("not snappy at all".getBytes(StandardCharsets.UTF_8)), 400))
                    .startsWith("body is not snappy-compressed in the block format");
            assertThat(error(write(protobuf), 400)).startsWith("body is not snappy-compressed");
            byte[] truncated = RemoteWriteRequest.snappy(java.util.Arrays.copyOf(protobuf, protobuf.length - 3));
            HttpResponse<String> cut = write(truncated);
            assertThat(error(cut, 400)).isEqualTo("1 problem in the request; nothing was stored");
            assertThat(TidemarkClient.json(cut).path("details").get(0).path("message").asText())
                    .startsWith("not a remote write request (protobuf prometheus.WriteRequest) at byte ");
            assertThat(log.events()).as("bad input is the client's problem, not the log's").hasSizeLessThan(4);
            assertThat(stored()).isZero();
        }
        assertThat(write(RemoteWriteRequest.snappy(protobuf)).statusCode()).as("and then a good one").isEqualTo(204);
    }

    @Test
    void anInvalidSampleIs400NamingTheSeriesAndNothingOfTheBatchIsStored() {
        byte[] body = new RemoteWriteRequest()
                .series("up", List.of("job", job), Sample.of(1, t))
                .series("up", List.of("job", job, "long", "x".repeat(2000)), Sample.of(1, t))
                .series(Map.of("job", job), Sample.of(1, t))
                .body();
        HttpResponse<String> answer = write(body);
        assertThat(error(answer, 400)).isEqualTo("2 problems in the request; nothing was stored");
        JsonNode details = TidemarkClient.json(answer).path("details");
        assertThat(details.get(0).path("index").asInt()).isEqualTo(1);
        assertThat(details.get(0).path("message").asText())
                .startsWith("series 'up': value of label 'long' is 2000 characters");
        assertThat(details.get(1).path("index").asInt()).isEqualTo(2);
        assertThat(details.get(1).path("message").asText()).startsWith("series has no __name__ label");
        assertThat(stored()).isZero();
    }

    @Test
    void aBodyThatDecompressesBeyondTheLimitIs413BeforeItIsInflated() {
        // Snappy's block starts with the decompressed length as a varint: 1 GiB from 8 bytes cannot be true.
        byte[] claim = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x04, 0x00, 0x01, 0x02};
        assertThat(error(write(claim), 400)).contains("invalid uncompressed length");
        RemoteWriteRequest big = new RemoteWriteRequest();
        for (int i = 0; i < 3000; i++) {
            big.series("m", List.of("job", job, "i", Integer.toString(i), "pad", "p".repeat(60)), Sample.of(i, t));
        }
        assertThat(big.protobuf().length).isGreaterThan(MAX_BODY_BYTES);
        assertThat(big.body().length).isLessThan(MAX_BODY_BYTES);
        assertThat(error(write(big.body()), 413)).contains("ingest.max_body_bytes");
        RemoteWriteRequest many = new RemoteWriteRequest();
        Sample[] samples = new Sample[QUEUE_CAPACITY + 1];
        for (int i = 0; i < samples.length; i++) samples[i] = Sample.of(i, t + i);
        many.series("m", List.of("job", job), samples);
        assertThat(error(write(many.body()), 413)).startsWith("request has more than " + QUEUE_CAPACITY + " samples");
        assertThat(stored()).isZero();
    }

    @Test
    void whatIsNotRemoteWrite1IsRefusedWith415() {
        byte[] body = new RemoteWriteRequest().series("up", List.of("job", job), Sample.of(1, t)).body();
        String bearer = "Bearer " + writer;
        assertThat(error(send(body, "Authorization", bearer, "Content-Encoding", "gzip"), 415))
                .contains("snappy");
        assertThat(error(send(body, "Authorization", bearer, "Content-Type", "application/json"), 415))
                .contains("application/x-protobuf");
        assertThat(error(send(body, "Authorization", bearer, "Content-Type",
                "application/x-protobuf;proto=io.prometheus.write.v2.Request", "X-Prometheus-Remote-Write-Version",
                "2.0.0"), 415)).startsWith("remote write 2.0 is not supported");
        // Without the headers (a hand-made sender), the body is still taken as snappy protobuf.
        assertThat(send(body, "Authorization", bearer).statusCode()).isEqualTo(204);
        assertThat(send(body, "Authorization", bearer, "Content-Type",
                "application/x-protobuf;proto=prometheus.WriteRequest").statusCode()).isEqualTo(204);
    }

    @Test
    void theCredentialsPrometheusSendsAreChecked() {
        byte[] body = new RemoteWriteRequest().series("up", List.of("job", job), Sample.of(1, t)).body();
        assertThat(error(send(body, PROMETHEUS_HEADERS), 401)).isNotBlank();
        assertThat(error(send(body, headers("Authorization", "Bearer tm_wrong")), 401)).isNotBlank();
        assertThat(error(send(body, headers("Authorization", "Bearer " + reader)), 403)).isNotBlank();
        String basic = Base64.getEncoder().encodeToString(("prometheus:" + writer).getBytes(StandardCharsets.UTF_8));
        assertThat(send(body, headers("Authorization", "Basic " + basic)).statusCode()).isEqualTo(204);
        assertThat(stored()).isEqualTo(1);
    }

    @Test
    void aFullQueueIs503WithRetryAfterAndTheQueuedBatchIsStoredAfter() {
        RemoteWriteRequest first = new RemoteWriteRequest();
        Sample[] samples = new Sample[QUEUE_CAPACITY - 10];
        for (int i = 0; i < samples.length; i++) samples[i] = Sample.of(i, t + i);
        first.series("queued", List.of("job", job), samples);
        byte[] second = new RemoteWriteRequest().series("refused", List.of("job", job), Sample.of(1, t),
                Sample.of(2, t + 1), Sample.of(3, t + 2), Sample.of(4, t + 3), Sample.of(5, t + 4),
                Sample.of(6, t + 5), Sample.of(7, t + 6), Sample.of(8, t + 7), Sample.of(9, t + 8),
                Sample.of(10, t + 9), Sample.of(11, t + 10)).body();
        CompletableFuture<HttpResponse<String>> queued;
        try (TableLock lock = server.get().database().lockTable("readings")) {
            queued = server.get().client().sendAsync(HttpRequest.newBuilder(server.get().uri("/api/v1/write"))
                    .headers(headers("Authorization", "Bearer " + writer)).POST(BodyPublishers.ofByteArray(
                            first.body())).build(), HttpResponse.BodyHandlers.ofString());
            Await.until("the first batch to be queued",
                    () -> server.get().api().queuedReadings() == QUEUE_CAPACITY - 10);
            HttpResponse<String> busy = write(second);
            assertThat(error(busy, 503)).isNotBlank();
            assertThat(busy.headers().firstValue("Retry-After")).hasValueSatisfying(
                    seconds -> assertThat(Integer.parseInt(seconds)).isPositive());
        }
        assertThat(queued.join().statusCode()).isEqualTo(204);
        assertThat(stored()).isEqualTo(QUEUE_CAPACITY - 10);
        assertThat(write(second).statusCode()).as("the retry, once there is room").isEqualTo(204);
        assertThat(stored()).isEqualTo(QUEUE_CAPACITY + 1);
    }

    @Test
    void samplesReceivedAndStoredAreCounted() {
        double received = Metrics.value(server.get(), "tidemark_remote_write_samples_received_total");
        double stored = Metrics.value(server.get(), "tidemark_remote_write_samples_stored_total");
        byte[] body = new RemoteWriteRequest().series("up", List.of("job", job), Sample.of(1, t),
                Sample.of(Double.NaN, t + 1), Sample.of(1, t + 2)).body();
        assertThat(write(body).statusCode()).isEqualTo(204);
        assertThat(Metrics.value(server.get(), "tidemark_remote_write_samples_received_total") - received)
                .isEqualTo(3);
        assertThat(Metrics.value(server.get(), "tidemark_remote_write_samples_stored_total") - stored).isEqualTo(2);
    }
}
