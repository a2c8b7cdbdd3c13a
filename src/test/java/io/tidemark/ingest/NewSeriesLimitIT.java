package io.tidemark.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.testing.Bodies;
import io.tidemark.testing.Metrics;
import io.tidemark.testing.TidemarkClient;
import io.tidemark.testing.TidemarkServerExtension;
import io.tidemark.testing.UniqueNames;
import java.net.http.HttpResponse;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code ingest.max_new_series_per_minute}: a writer that would create more series than its minute allows is refused
 * 429 naming the limit, with nothing stored and no series created; readings of known series still go in; each
 * credential has its own minute; the series created are counted in /metrics.
 */
class NewSeriesLimitIT {
    private static final int LIMIT = 5;
    @RegisterExtension
    static final TidemarkServerExtension server = TidemarkServerExtension.withConfig(
            "ingest:\n  max_new_series_per_minute: " + LIMIT + "\n");

    @Test
    void aWriterIsRefusedPastItsNewSeriesAndNothingOfTheRequestIsStored() {
        String writer = token("collector");
        String p = UniqueNames.prefix("limit");
        double createdBefore = Metrics.value(server.get(), "tidemark_series_new_total");
        assertThat(post(writer, p, 0, 3).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = post(writer, p, 3, 6); // 3 more new series: 2 are left
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(s ->
                assertThat(Integer.parseInt(s)).isBetween(1, 60));
        assertThat(TidemarkClient.json(refused).get("error").asText())
                .contains("would create 3 new series", "ingest.max_new_series_per_minute", "'collector",
                        "create 5 a minute", "2 left", "nothing was stored");
        assertThat(server.get().queryLong("SELECT count(*) FROM series WHERE sensor LIKE '" + p + "%'"))
                .as("no series created by the refused request").isEqualTo(3);
        assertThat(server.database().readings(p)).as("its readings not stored").hasSize(3);
        assertThat(post(writer, p, 0, 3).statusCode()).as("known series only: nothing new").isEqualTo(200);
        assertThat(post(writer, p, 3, 5).statusCode()).as("the 2 left").isEqualTo(200);
        assertThat(Metrics.value(server.get(), "tidemark_series_new_total") - createdBefore).isEqualTo(5);
        assertThat(Metrics.value(server.get(), "cache_gets_total{cache=\"tidemark.series\",result=\"hit\"}"))
                .as("the series cache is in /metrics").isPositive();

        JsonNode stats = TidemarkClient.json(server.get().admin("GET", "/admin/series", null));
        assertThat(stats.get("series").asLong()).isEqualTo(server.get().queryLong("SELECT count(*) FROM series"));
        assertThat(stats.get("created_by_this_node").asLong()).isGreaterThanOrEqualTo(5);
        assertThat(stats.get("max_new_series_per_minute").asInt()).isEqualTo(LIMIT);
        assertThat(stats.at("/cache/hits").asLong()).isPositive();
        assertThat(stats.at("/cache/hit_rate").asDouble()).isBetween(0.0, 1.0);
        assertThat(stats.at("/cache/capacity").asLong()).isEqualTo(100_000);
    }

    @Test
    void eachCredentialHasItsOwnMinuteAndOneRequestBeyondTheLimitIsToldToSplit() {
        String p = UniqueNames.prefix("own");
        HttpResponse<String> tooBig = post(token("big"), p, 0, LIMIT + 1);
        assertThat(tooBig.statusCode()).isEqualTo(429);
        assertThat(TidemarkClient.json(tooBig).get("error").asText()).contains("split the request");
        assertThat(post(token("other-a"), p, 0, LIMIT).statusCode()).isEqualTo(200);
        assertThat(post(token("other-b"), p, LIMIT, 2 * LIMIT).statusCode()).as("another token, its own minute")
                .isEqualTo(200);
    }

    @Test
    void lineProtocolIsRefusedInInfluxDbsShape() {
        String secret = token("telegraf");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i <= LIMIT; i++) lines.append("lp").append(i).append(",host=h").append(i).append(" v=1\n");
        HttpResponse<String> refused = server.api().send(java.net.http.HttpRequest.newBuilder(
                server.uri("/write?db=x")).header("Authorization", "Token " + secret)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(lines.toString())).build());
        assertThat(refused.statusCode()).isEqualTo(429);
        JsonNode body = TidemarkClient.json(refused);
        assertThat(body.get("error").asText()).contains("ingest.max_new_series_per_minute");
    }

    private static String token(String name) {
        String body = "{\"name\": \"" + UniqueNames.prefix(name) + "\", \"scopes\": [\"write\"]}";
        HttpResponse<String> created = server.get().admin("POST", "/admin/tokens", body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return TidemarkClient.json(created).get("secret").asText();
    }

    /** Readings of the new series {@code prefix + i} for i in [from, to). */
    private static HttpResponse<String> post(String secret, String prefix, int from, int to) {
        StringJoiner body = new StringJoiner(",", "[", "]");
        for (int i = from; i < to; i++) body.add("{\"sensor\":\"" + prefix + i + "\",\"value\":" + i + "}");
        return server.api().postReadings(Bodies.JSON, body.toString(), "Authorization", "Bearer " + secret);
    }
}
