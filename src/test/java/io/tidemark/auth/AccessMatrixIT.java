package io.tidemark.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.testing.LoopbackClient;
import io.tidemark.testing.TestServer;
import io.tidemark.testing.TidemarkServerExtension;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every endpoint against every kind of credential, with anonymous access off: no credential, a wrong one and a
 * revoked one are 401 with WWW-Authenticate; a valid token is let in exactly where its scope reaches (admin reaches
 * everywhere) and is a 403 elsewhere. Each request comes from an address of its own, so none is throttled.
 */
class AccessMatrixIT {
    @RegisterExtension
    static final TidemarkServerExtension server = TidemarkServerExtension.withConfig("auth:\n  anonymous: []\n");

    private static final Map<String, String> SECRETS = new java.util.HashMap<>();

    /** An endpoint, a request that is fine once let in, and the scope it needs. */
    private record Endpoint(String method, String path, String body, String scope) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("POST", "/api/v1/readings", "{\"sensor\": \"matrix-1\", \"value\": 1}", "write"),
            new Endpoint("GET", "/api/v1/readings?sensor=matrix-0&metric=value", null, "read"),
            new Endpoint("GET", "/api/v1/series", null, "read"),
            new Endpoint("GET", "/api/v1/latest?sensor=matrix-*", null, "read"),
            new Endpoint("GET", "/api/v1/alerts", null, "read"),
            new Endpoint("GET", "/api/v1/rollups/1m?sensor=matrix-0", null, "read"),
            new Endpoint("POST", "/api/v1/stream/tickets", null, "read"),
            new Endpoint("GET", "/api/v1/feed?limit=1", null, "read"),
            new Endpoint("GET", "/metrics", null, "metrics"),
            new Endpoint("GET", "/admin/jobs", null, "admin"),
            new Endpoint("GET", "/admin/series", null, "admin"),
            new Endpoint("GET", "/admin/tokens", null, "admin"));

    @BeforeAll
    static void tokens() {
        for (String scope : List.of("read", "write", "metrics", "admin")) {
            SECRETS.put(scope, AdminTokens.secret(server.get(), "matrix-" + scope, "[\"" + scope + "\"]"));
        }
        var revoked = AdminTokens.create(server.get(), "matrix-revoked", "[\"admin\"]", null);
        AdminTokens.revoke(server.get(), revoked.path("id").asLong());
        SECRETS.put("revoked", revoked.path("secret").asText());
        server.get().admin("POST", "/api/v1/readings", "{\"sensor\": \"matrix-0\", \"value\": 1}");
    }

    static Stream<Arguments> scopes() {
        return ENDPOINTS.stream().flatMap(e -> Stream.of("read", "write", "metrics", "admin")
                .map(scope -> Arguments.of(e, scope)));
    }

    @ParameterizedTest(name = "{0} with a {1} token")
    @MethodSource("scopes")
    void tokenIsLetInExactlyWhereItsScopeReaches(Endpoint endpoint, String scope) {
        LoopbackClient.Answer answer = send(endpoint, "Authorization: Bearer " + SECRETS.get(scope));

        if (scope.equals(endpoint.scope()) || scope.equals("admin")) {
            assertThat(answer.status()).as("%s: %s", endpoint, answer.body()).isBetween(200, 299);
        } else {
            assertThat(answer.status()).as("%s: %s", endpoint, answer.body()).isEqualTo(403);
            assertThat(answer.body()).contains("needs scope '" + endpoint.scope() + "'")
                    .doesNotContain(SECRETS.get(scope));
        }
    }

    static Stream<Arguments> refusals() {
        return ENDPOINTS.stream().flatMap(e -> Stream.of(
                Arguments.of(e, "no credential", null),
                Arguments.of(e, "a wrong token", "Authorization: Bearer tdm_wrong"),
                Arguments.of(e, "the bootstrap token with a typo", "Authorization: Bearer " + TestServer.ADMIN_TOKEN
                        + "x"),
                Arguments.of(e, "an unknown scheme", "Authorization: Digest abc"),
                Arguments.of(e, "a revoked token", "revoked")));
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("refusals")
    void badOrMissingCredentialIsUnauthorized(Endpoint endpoint, String what, String header) {
        String sent = "revoked".equals(header) ? "Authorization: Bearer " + SECRETS.get("revoked") : header;
        LoopbackClient.Answer answer = sent == null ? send(endpoint) : send(endpoint, sent);

        assertThat(answer.status()).as("%s: %s", endpoint, answer.body()).isEqualTo(401);
        assertThat(answer.header("WWW-Authenticate")).contains("Bearer realm=\"tidemark\"",
                "Basic realm=\"tidemark\"");
        assertThat(answer.header("Content-Type")).anySatisfy(t -> assertThat(t).startsWith("application/json"));
        assertThat(answer.body()).startsWith("{\"error\":").doesNotContain(SECRETS.get("revoked"), "tdm_wrong",
                TestServer.ADMIN_TOKEN);
    }

    static Stream<Arguments> forms() {
        return Stream.of(
                Arguments.of("Bearer", "Authorization: Bearer " + SECRETS.get("read")),
                Arguments.of("InfluxDB Token", "Authorization: Token " + SECRETS.get("read")),
                Arguments.of("Basic, any user", "Authorization: Basic " + basic("grafana", SECRETS.get("read"))),
                Arguments.of("Basic, no user", "Authorization: Basic " + basic("", SECRETS.get("read"))),
                Arguments.of("Bearer, bootstrap token", "Authorization: Bearer " + TestServer.ADMIN_TOKEN));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forms")
    void everyCredentialFormIsAccepted(String form, String header) {
        LoopbackClient.Answer answer = send(new Endpoint("GET", "/api/v1/series", null, "read"), header);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    }

    @Test
    void influxQueryParameterIsNotACredentialOnOtherRoutes() {
        LoopbackClient.Answer answer = send(new Endpoint("GET", "/api/v1/series?u=x&p=" + SECRETS.get("read"),
                null, "read"));

        assertThat(answer.status()).isEqualTo(401);
    }

    @Test
    void healthIsOpenButShowsOnlyStatusAndQueueWithoutMetricsScope() {
        LoopbackClient.Answer open = send(new Endpoint("GET", "/health", null, null));
        LoopbackClient.Answer reader = send(new Endpoint("GET", "/health", null, null),
                "Authorization: Bearer " + SECRETS.get("read"));
        LoopbackClient.Answer operator = send(new Endpoint("GET", "/health", null, null),
                "Authorization: Bearer " + SECRETS.get("metrics"));
        LoopbackClient.Answer wrong = send(new Endpoint("GET", "/health", null, null), "Authorization: Bearer x");

        assertThat(open.status()).isEqualTo(200);
        assertThat(open.body()).startsWith("{\"status\":\"ok\",\"queue\":").doesNotContain("database", "writes");
        assertThat(reader.body()).doesNotContain("database");
        assertThat(operator.body()).contains("\"database\":\"up\"", "\"writes\"");
        assertThat(wrong.status()).as("a bad credential is checked even here").isEqualTo(401);
    }

    private static LoopbackClient.Answer send(Endpoint endpoint, String... headers) {
        String[] all = Stream.concat(Stream.of("Content-Type: application/json"), Stream.of(headers))
                .toArray(String[]::new);
        return LoopbackClient.fresh(server.get().app().port()).send(endpoint.method(), endpoint.path(),
                endpoint.body(), all);
    }

    private static String basic(String user, String password) {
        return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
