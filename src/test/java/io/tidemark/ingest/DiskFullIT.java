package io.tidemark.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.testing.Bodies;
import io.tidemark.testing.PrometheusText;
import io.tidemark.testing.ServerProcess;
import io.tidemark.testing.TestDatabase;
import io.tidemark.testing.TidemarkClient;
import io.tidemark.testing.TinyTablespace;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL really out of disk space: today's readings partition is moved to a tablespace on a 4 MB tmpfs, beside
 * a filler table, and readings are posted until the disk is full (SQLSTATE 53100). Refused requests get a 503 with
 * Retry-After naming the cause, /health and the metrics say so, the log says so once when it starts and once when it
 * ends, and once the filler is dropped ingest resumes by itself, nothing acknowledged lost and nothing refused stored.
 * Skipped, saying why, where a tmpfs cannot be mounted or PostgreSQL is not on this machine.
 */
class DiskFullIT {
    private static final int READINGS_PER_REQUEST = 1000;
    /** Far more than the tmpfs holds (about 45 bytes a reading): the loop ends with the disk full, not by this. */
    private static final int MAX_REQUESTS = 2000;
    private static final String CAUSE = "PostgreSQL is out of disk space (SQLSTATE 53100)";

    /** Every reading of the test, in one hour (so in one partition), spaced a millisecond apart per request. */
    private final Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(1, ChronoUnit.HOURS);
    private final Map<String, Integer> acknowledged = new LinkedHashMap<>();
    private final List<String> refused = new ArrayList<>();
    private int requests;

    @Test
    void fullDiskIsRefusedWith503ReportedOnceAndRecoveredFromByItself() throws Exception {
        TinyTablespace tiny;
        try {
            tiny = TinyTablespace.create(4);
        } catch (TinyTablespace.Unavailable e) {
            assumeTrue(false, "no tiny disk for PostgreSQL here: " + e.getMessage());
            return;
        }
        try (tiny) {
            TestDatabase database = TestDatabase.create();
            try (database; ServerProcess server = ServerProcess.start(database, "jobs:\n  enabled: false\n")) {
                fillAndRecover(database, server, tiny.name());
            }
        }
    }

    private void fillAndRecover(TestDatabase database, ServerProcess server, String tablespace) throws Exception {
        TidemarkClient api = server.api();
        assertThat(post(api).statusCode()).isEqualTo(200); // makes the partition
        String partition = database.queryStrings("SELECT DISTINCT tableoid::regclass::text FROM readings").get(0);
        database.execute("CREATE TABLE filler TABLESPACE " + tablespace
                + " AS SELECT repeat('x', 1000) AS pad FROM generate_series(1, 1500)");
        database.execute("ALTER TABLE " + partition + " SET TABLESPACE " + tablespace);

        HttpResponse<String> first = postUntilRefused(api);

        assertThat(acknowledged.size()).as("requests accepted before the disk was full").isGreaterThan(3);
        assertRefusedNamingTheCause(first);
        List<CompletableFuture<HttpResponse<String>>> concurrent = new ArrayList<>();
        for (int i = 0; i < 8; i++) concurrent.add(postAsync(api)); // batches of several requests, refused alike
        for (CompletableFuture<HttpResponse<String>> answer : concurrent) assertRefusedNamingTheCause(answer.join());

        HttpResponse<String> health = api.health();
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.headers().firstValue("Retry-After")).isPresent();
        JsonNode writes = TidemarkClient.json(health).path("writes");
        assertThat(TidemarkClient.json(health).path("status").asText()).isEqualTo("degraded");
        assertThat(writes.path("status").asText()).isEqualTo("refused");
        assertThat(writes.path("reason").asText()).isEqualTo("disk_full");
        assertThat(writes.path("message").asText()).isEqualTo(CAUSE);
        assertThat(Instant.parse(writes.path("since").asText())).isAfter(hour);
        assertThat(writes.path("refused_requests").asLong()).isEqualTo(refused.size());
        PrometheusText metrics = PrometheusText.parse(api.metrics().body());
        assertThat(metrics.sum("tidemark_ingest_refused_total", Map.of("reason", "disk_full")))
                .isEqualTo(refused.size());
        assertThat(metrics.sum("tidemark_ingest_out_of_resources")).isEqualTo(1);

        database.execute("DROP TABLE filler"); // the operator makes room
        long freed = System.nanoTime();
        HttpResponse<String> answer;
        do {
            answer = post(api);
        } while (answer.statusCode() == 503 && System.nanoTime() - freed < 30_000_000_000L);
        assertThat(answer.statusCode()).as("a write once there is room again: %s", answer.body()).isEqualTo(200);
        System.out.printf("ingest resumed %d ms after the room was made%n", (System.nanoTime() - freed) / 1_000_000);

        assertThat(api.health().statusCode()).isEqualTo(200);
        assertThat(TidemarkClient.json(api.health()).path("writes").path("status").asText()).isEqualTo("ok");
        assertThat(PrometheusText.parse(api.metrics().body()).sum("tidemark_ingest_out_of_resources")).isZero();
        assertStoredExactlyTheAcknowledged(database);
        assertLoggedOnceWhenItStartedAndOnceWhenItEnded(server.output());
    }

    private HttpResponse<String> postUntilRefused(TidemarkClient api) {
        while (requests < MAX_REQUESTS) {
            HttpResponse<String> answer = post(api);
            if (answer.statusCode() != 200) return answer;
        }
        throw new AssertionError(MAX_REQUESTS + " requests of " + READINGS_PER_REQUEST + " readings fit on 4 MB");
    }

    private void assertRefusedNamingTheCause(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as("answer: %s", answer.body()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).hasValue("10");
        String error = TidemarkClient.json(answer).path("error").asText();
        assertThat(error).startsWith(CAUSE).contains("nothing of the request was stored")
                .doesNotContain("pg_tblspc", "could not extend", "No space left");
    }

    private void assertStoredExactlyTheAcknowledged(TestDatabase database) {
        Map<String, Integer> stored = new LinkedHashMap<>();
        for (List<String> row : database.queryRows(
                "SELECT sensor, count(*) FROM readings_v WHERE starts_with(sensor, 'full-') GROUP BY sensor")) {
            stored.put(row.get(0), Integer.parseInt(row.get(1)));
        }
        assertThat(stored).as("readings stored, by request").isEqualTo(acknowledged);
        assertThat(stored.keySet()).as("refused requests stored nothing").doesNotContainAnyElementsOf(refused);
    }

    private void assertLoggedOnceWhenItStartedAndOnceWhenItEnded(List<String> output) {
        List<String> mentions = output.stream().filter(line -> line.contains("53100")).toList();
        assertThat(mentions).as("log lines about the full disk").hasSize(2);
        assertThat(mentions.get(0)).contains("WARN", CAUSE, "could not extend file");
        assertThat(mentions.get(1)).contains("INFO", "Writes succeed again",
                refused.size() + " requests were refused");
        assertThat(output).as("stack traces in the log").noneMatch(line -> line.startsWith("\tat "));
    }

    /** One request of readings for a sensor of its own, remembered as acknowledged or refused by its answer. */
    private HttpResponse<String> post(TidemarkClient api) {
        String sensor = "full-" + requests++;
        HttpResponse<String> answer = api.postReadings(Bodies.NDJSON, body(sensor));
        record(sensor, answer);
        return answer;
    }

    private CompletableFuture<HttpResponse<String>> postAsync(TidemarkClient api) {
        String sensor = "full-" + requests++;
        return api.sendAsync(api.readings(body(sensor).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "Content-Type", Bodies.NDJSON).build()).thenApply(answer -> {
                    synchronized (this) {
                        record(sensor, answer);
                    }
                    return answer;
                });
    }

    private void record(String sensor, HttpResponse<String> answer) {
        if (answer.statusCode() == 200) acknowledged.put(sensor, READINGS_PER_REQUEST);
        else refused.add(sensor);
    }

    private String body(String sensor) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < READINGS_PER_REQUEST; i++) {
            body.append("{\"sensor\":\"").append(sensor).append("\",\"ts\":")
                    .append(hour.toEpochMilli() + i).append(",\"value\":").append(i).append("}\n");
        }
        return body.toString();
    }
}
