package io.tidemark.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.testing.Await;
import io.tidemark.testing.Bodies;
import io.tidemark.testing.LoopbackClient;
import io.tidemark.testing.PrometheusText;
import io.tidemark.testing.TestServer;
import io.tidemark.testing.TidemarkClient;
import io.tidemark.testing.TidemarkServerExtension;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Tokens as users meet them: created and listed (the secret once, never a hash), revoked everywhere within 2 s,
 * limited to a sensor prefix, traded for a stream ticket; and clients that keep failing refused for a while.
 */
class TokensIT {
    @RegisterExtension
    static final TidemarkServerExtension server = TidemarkServerExtension.withConfig("auth:\n  anonymous: []\n");

    /**
     * A write refused for want of a credential is answered before its body is read; a client still sending a large
     * body (java.net.http does not wait for 100 Continue) must see the 401, not a connection reset.
     */
    @Test
    void writeWithoutCredentialSeesThe401WhileStillSending() {
        byte[] body = "{\"sensor\":\"anonymous-bulk\",\"value\":1}\n".repeat(30_000)
                .getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> answer = server.api().send(server.api().readings(body, "Content-Type", Bodies.NDJSON)
                .build());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(401);
        assertThat(answer.headers().allValues("WWW-Authenticate")).isNotEmpty();
        assertThat(server.database().readings("anonymous-bulk")).isEmpty();
    }

    @Test
    void secretIsShownOnceAndNeitherItNorItsHashIsListed() {
        JsonNode created = AdminTokens.create(server.get(), "shown-once", "[\"read\", \"write\"]", null);

        assertThat(created.path("secret").asText()).startsWith("tdm_").hasSize(4 + 43);
        assertThat(created.path("scopes").toString()).isEqualTo("[\"read\",\"write\"]");
        assertThat(created.path("created_by").asText()).isEqualTo("bootstrap");
        String listed = server.admin("GET", "/admin/tokens", null).body();
        assertThat(listed).contains("\"name\":\"shown-once\"").doesNotContain(created.path("secret").asText(),
                "secret", "hash");
        assertThat(server.database().queryLong("SELECT count(*) FROM tokens WHERE name = 'shown-once'"
                + " AND length(secret_hash) = 32")).isEqualTo(1);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"scopes\": [\"read\"]}                                          | name",
        "{\"name\": \"\", \"scopes\": [\"read\"]}                          | name",
        "{\"name\": \"bootstrap\", \"scopes\": [\"read\"]}                 | name",
        "{\"name\": \"a\"}                                                 | scopes",
        "{\"name\": \"a\", \"scopes\": []}                                 | scopes",
        "{\"name\": \"a\", \"scopes\": [\"root\"]}                         | scopes[0]",
        "{\"name\": \"a\", \"scopes\": [\"read\"], \"sensor_prefix\": \"x*\"}  | sensor_prefix",
        "{\"name\": \"a\", \"scopes\": [\"admin\"], \"sensor_prefix\": \"x\"}  | sensor_prefix",
        "{\"name\": \"a\", \"scopes\": [\"read\"], \"scope\": 1}            | 'scope'",
        "[1]                                                               | JSON object"})
    void invalidTokenRequestIsRefusedNamingTheField(String body, String field) {
        HttpResponse<String> answer = server.admin("POST", "/admin/tokens", body);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(TidemarkClient.json(answer).path("error").asText()).contains(field);
        assertThat(server.database().queryLong("SELECT count(*) FROM tokens WHERE name = 'a'")).isZero();
    }

    @Test
    void takenNameIsAConflict() {
        AdminTokens.create(server.get(), "twice", "[\"read\"]", null);

        assertThat(server.admin("POST", "/admin/tokens", "{\"name\": \"twice\", \"scopes\": [\"read\"]}")
                .statusCode()).isEqualTo(409);
    }

    @Test
    void revocationReachesAnotherNodeOnTheSameDatabaseWithinTwoSeconds() {
        JsonNode created = AdminTokens.create(server.get(), "revoked-everywhere", "[\"read\"]", null);
        String secret = created.path("secret").asText();
        try (TestServer other = TestServer.attach(server.database(), UnaryOperator.identity())) {
            assertThat(other.api().get("/api/v1/series", secret).statusCode()).isEqualTo(200); // now cached there

            long revoked = System.nanoTime();
            AdminTokens.revoke(server.get(), created.path("id").asLong());
            Await.until("the other node to refuse the revoked token",
                    () -> other.api().get("/api/v1/series", secret).statusCode() == 401);
            long millis = (System.nanoTime() - revoked) / 1_000_000;

            System.out.printf("revocation seen by the other node after %d ms%n", millis);
            assertThat(millis).isLessThanOrEqualTo(Authenticator.CACHE_TIME.toMillis() + 500);
            assertThat(server.database().queryStrings("SELECT revoked_by FROM tokens WHERE name ="
                    + " 'revoked-everywhere'")).containsExactly("bootstrap");
        }
    }

    @Test
    void prefixedWriteTokenCannotWriteOutsideItsPrefixAndNothingIsStored() {
        String secret = AdminTokens.create(server.get(), "plant-1-collector", "[\"write\"]", "plant-1.")
                .path("secret").asText();
        String run = UUID.randomUUID().toString();

        HttpResponse<String> mixed = post(secret, "[{\"sensor\": \"plant-1." + run + "\", \"value\": 1},"
                + " {\"sensor\": \"plant-2." + run + "\", \"value\": 2}]");
        HttpResponse<String> own = post(secret, "{\"sensor\": \"plant-1.own-" + run + "\", \"value\": 3}");

        assertThat(mixed.statusCode()).as(mixed.body()).isEqualTo(403);
        assertThat(TidemarkClient.json(mixed).path("error").asText()).contains("reading 1", "plant-2." + run,
                "plant-1.").doesNotContain(secret);
        assertThat(server.database().readings("plant-1." + run)).isEmpty();
        assertThat(server.database().readings("plant-2." + run)).isEmpty();
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        assertThat(server.database().readings("plant-1.own-" + run)).hasSize(1);
    }

    @Test
    void prefixedReadTokenSeesOnlyItsSensors() {
        server.get().admin("POST", "/api/v1/readings", "[{\"sensor\": \"team-a.t\", \"value\": 1},"
                + " {\"sensor\": \"team-b.t\", \"value\": 2}]");
        String secret = AdminTokens.create(server.get(), "team-a-reader", "[\"read\"]", "team-a.")
                .path("secret").asText();
        TidemarkClient api = server.api();

        assertThat(api.get("/api/v1/readings?sensor=team-a.t&metric=value", secret).statusCode()).isEqualTo(200);
        assertThat(api.get("/api/v1/readings?sensor=team-b.t&metric=value", secret).statusCode()).isEqualTo(403);
        assertThat(api.get("/api/v1/series?prefix=team", secret).statusCode()).isEqualTo(403);
        assertThat(api.get("/api/v1/alerts?sensor=*", secret).statusCode()).isEqualTo(403);
        String series = api.get("/api/v1/series", secret).body();
        assertThat(series).as("narrowed to the prefix").contains("team-a.t").doesNotContain("team-b.t");
        assertThat(api.get("/api/v1/feed?sensor=team-*", secret).statusCode()).isEqualTo(403);
        String feed = api.get("/api/v1/feed?limit=100000", secret).body();
        assertThat(feed).as("the feed narrowed to the prefix").contains("team-a.t").doesNotContain("team-b.t");
    }

    @Test
    void streamTicketOpensTheStreamOnceWithoutAHeader() throws Exception {
        String secret = AdminTokens.create(server.get(), "browser", "[\"read\"]", null).path("secret").asText();
        HttpResponse<String> issued = server.send(HttpRequest.newBuilder(server.uri("/api/v1/stream/tickets"))
                .header("Authorization", "Bearer " + secret).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
        String ticket = TidemarkClient.json(issued).path("ticket").asText();
        assertThat(TidemarkClient.json(issued).path("expires_in_seconds").asInt()).isEqualTo(30);

        HttpResponse<InputStream> first = server.get().client().send(HttpRequest.newBuilder(
                server.uri("/api/v1/stream?ticket=" + ticket)).build(), HttpResponse.BodyHandlers.ofInputStream());
        first.body().close();
        HttpResponse<String> again = server.get("/api/v1/stream?ticket=" + ticket);
        HttpResponse<String> without = server.get("/api/v1/stream");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("text/event-stream"));
        assertThat(again.statusCode()).as("a ticket is good once").isEqualTo(401);
        assertThat(again.body()).doesNotContain(ticket);
        assertThat(without.statusCode()).isEqualTo(401);
    }

    /**
     * Behind a load balancer the ticket may be asked of one node and used on another: tickets live in the database.
     * The stream it opens there acts for the token that asked (narrowed to its sensors), and it is still good once.
     */
    @Test
    void aTicketFromOneNodeOpensTheStreamOnAnother() throws Exception {
        String secret = AdminTokens.create(server.get(), "roaming-browser", "[\"read\"]", "roam.")
                .path("secret").asText();
        HttpResponse<String> issued = server.send(HttpRequest.newBuilder(server.uri("/api/v1/stream/tickets"))
                .header("Authorization", "Bearer " + secret).POST(HttpRequest.BodyPublishers.noBody()).build());
        String ticket = TidemarkClient.json(issued).path("ticket").asText();
        assertThat(server.database().queryLong("SELECT count(*) FROM stream_tickets WHERE name = 'roaming-browser'"
                + " AND hash = sha256(convert_to('" + ticket + "', 'UTF8'))")).as("kept as its hash").isEqualTo(1);
        try (TestServer other = TestServer.attach(server.database(), UnaryOperator.identity())) {
            HttpResponse<String> beyond = other.get("/api/v1/stream?sensor=elsewhere-*&ticket=" + ticket);
            assertThat(beyond.statusCode()).as("acts for the token: its sensors only").isEqualTo(403);
            HttpResponse<String> issuedAgain = server.send(HttpRequest.newBuilder(
                    server.uri("/api/v1/stream/tickets")).header("Authorization", "Bearer " + secret)
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            String second = TidemarkClient.json(issuedAgain).path("ticket").asText();
            HttpResponse<InputStream> opened = other.client().send(HttpRequest.newBuilder(
                    other.uri("/api/v1/stream?ticket=" + second)).build(), HttpResponse.BodyHandlers.ofInputStream());
            opened.body().close();
            assertThat(opened.statusCode()).as("opened on the node that did not issue it").isEqualTo(200);
            assertThat(server.get("/api/v1/stream?ticket=" + second).statusCode()).as("and good once, anywhere")
                    .isEqualTo(401);
        }
    }

    @Test
    void repeatedFailuresFromOneAddressAreRefusedForAWhileAndCounted() {
        String good = AdminTokens.create(server.get(), "unlucky-neighbour", "[\"read\"]", null)
                .path("secret").asText();
        LoopbackClient client = LoopbackClient.fresh(server.get().app().port());
        for (int i = 0; i < FailedLogins.MAX_FAILURES; i++) {
            assertThat(client.send("GET", "/api/v1/series", null, "Authorization: Bearer tdm_guess" + i).status())
                    .isEqualTo(401);
        }

        LoopbackClient.Answer refused = client.send("GET", "/api/v1/series", null, "Authorization: Bearer " + good);
        LoopbackClient.Answer elsewhere = LoopbackClient.fresh(server.get().app().port())
                .send("GET", "/api/v1/series", null, "Authorization: Bearer " + good);

        assertThat(refused.status()).as(refused.body()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).containsExactly("60");
        assertThat(refused.body()).startsWith("{\"error\":").doesNotContain(good);
        assertThat(elsewhere.status()).as("other addresses are not affected").isEqualTo(200);
        PrometheusText metrics = PrometheusText.parse(server.api().metrics().body());
        for (String reason : new String[] {"missing", "invalid", "revoked", "forbidden", "throttled"}) {
            assertThat(metrics.samples("tidemark_auth_failures_total", Map.of("reason", reason)))
                    .as("reason %s is registered", reason).hasSize(1);
        }
        assertThat(metrics.sum("tidemark_auth_failures_total", Map.of("reason", "invalid")))
                .isGreaterThanOrEqualTo(FailedLogins.MAX_FAILURES);
        assertThat(metrics.sum("tidemark_auth_failures_total", Map.of("reason", "throttled"))).isGreaterThan(0);
    }

    @Test
    void lastUseIsRecorded() {
        JsonNode created = AdminTokens.create(server.get(), "used", "[\"read\"]", null);
        assertThat(server.api().get("/api/v1/series", created.path("secret").asText()).statusCode()).isEqualTo(200);

        assertThat(server.database().queryLong("SELECT count(*) FROM tokens WHERE name = 'used'"
                + " AND last_used_at IS NOT NULL")).isEqualTo(1);
    }

    private static HttpResponse<String> post(String secret, String body) {
        return server.send(server.api().readings(body.getBytes(StandardCharsets.UTF_8),
                "Content-Type", Bodies.JSON, "Authorization", "Bearer " + secret).build());
    }
}
