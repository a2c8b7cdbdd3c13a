package io.tidemark.ingest;

import static io.tidemark.testing.Bodies.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.testing.Await;
import io.tidemark.testing.TidemarkClient;
import io.tidemark.testing.TidemarkServerExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The database goes away (every connection reset, new ones refused, by a proxy in front of PostgreSQL) and comes
 * back: meanwhile requests and /health answer 503 with Retry-After and nothing is stored; afterwards the same server
 * accepts readings again by itself.
 */
class DatabaseOutageIT {
    @RegisterExtension
    static final TidemarkServerExtension server = TidemarkServerExtension.behindProxy("""
            database:
              connection_timeout: 500ms
            ingest:
              commit_timeout: 3s
            """);

    @AfterEach
    void restoreDatabase() {
        server.proxy().restore();
    }

    private static String reading(String sensor, String metric) {
        return "{\"sensor\":\"" + sensor + "\",\"metric\":\"" + metric + "\",\"value\":1}";
    }

    private static void assertUnavailable(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValueSatisfying(
                seconds -> assertThat(Integer.parseInt(seconds)).isPositive());
        assertThat(TidemarkClient.json(response).path("error").asText()).contains("database unavailable");
    }

    @Test
    void answers503WhileTheDatabaseIsUnreachableAndRecoversByItself() {
        HttpResponse<String> before = server.api().postReadings(JSON, reading("outage", "before"));
        assertThat(before.statusCode()).as(before.body()).isEqualTo(200);

        server.proxy().cut();
        // A known series and no key: straight to the writer, which retries for commit_timeout, then gives up.
        HttpResponse<String> queued = server.api().postReadings(JSON, reading("outage", "before"));
        // A new series must be registered first; a key must be looked up first.
        HttpResponse<String> newSeries = server.api().postReadings(JSON, reading("outage", "new-series"));
        HttpResponse<String> withKey = server.api().postReadings(JSON, reading("outage", "keyed"),
                "Idempotency-Key", "outage-1");
        HttpResponse<String> health = server.api().health();

        assertUnavailable(queued);
        assertUnavailable(newSeries);
        assertUnavailable(withKey);
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.headers().firstValue("Retry-After")).isPresent();
        JsonNode healthJson = TidemarkClient.json(health);
        assertThat(healthJson.path("status").asText()).isEqualTo("unavailable");
        assertThat(healthJson.path("database").asText()).isEqualTo("down");

        server.proxy().restore();
        Await.until("GET /health to answer 200 again", () -> server.api().health().statusCode() == 200);
        HttpResponse<String> retried = Await.until("the keyed request to be accepted on retry",
                () -> server.api().postReadings(JSON, reading("outage", "keyed"), "Idempotency-Key", "outage-1"),
                r -> r.statusCode() != 503);

        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
        assertThat(server.queryLong("""
                SELECT count(*) FROM readings_v WHERE sensor = 'outage' AND metric = 'before'""")).isEqualTo(1);
        assertThat(server.queryLong("""
                SELECT count(*) FROM readings_v WHERE sensor = 'outage' AND metric = 'keyed'""")).isEqualTo(1);
        assertThat(server.queryLong("""
                SELECT count(*) FROM readings_v WHERE sensor = 'outage' AND metric = 'new-series'""")).isZero();
        server.assertHealthy();
    }

    @Test
    void commitsARequestWhenTheDatabaseReturnsWithinTheCommitTimeout() {
        HttpResponse<String> warmUp = server.api().postReadings(JSON, reading("blip", "m"));
        assertThat(warmUp.statusCode()).as(warmUp.body()).isEqualTo(200);

        server.proxy().cut();
        int refusedBefore = server.proxy().connectionsRefused();
        CompletableFuture<HttpResponse<String>> answer = server.api().sendAsync(server.api()
                .readings(reading("blip", "m").getBytes(StandardCharsets.UTF_8), "Content-Type", JSON).build());
        Await.until("the writer to find the database gone", () -> server.proxy().connectionsRefused() > refusedBefore);
        server.proxy().restore();

        HttpResponse<String> response = answer.join();
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(server.database().readings("blip")).hasSize(2);
    }
}
