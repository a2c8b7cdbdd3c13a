package io.tidemark.influx;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.auth.FailedLogins;
import io.tidemark.testing.LoopbackClient;
import io.tidemark.testing.LoopbackClient.Answer;
import io.tidemark.testing.TidemarkClient;
import io.tidemark.testing.TidemarkServerExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The InfluxDB endpoints with anonymous access off: the credentials InfluxDB clients send (Token, Basic with the
 * token as password, 1.x's u/p query parameters) are taken, refusals (401, 403, 429) come in the shape of the path,
 * a token's sensor prefix holds per line, and /ping stays open. Each request comes from an address of its own.
 */
@Timeout(60)
class InfluxAuthIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final TidemarkServerExtension server = TidemarkServerExtension.withConfig("auth:\n  anonymous: []\n");

    private static String writer;
    private static String reader;
    private static String prefixed;

    @BeforeAll
    static void tokens() {
        writer = token("influx-writer", "[\"write\"]", null);
        reader = token("influx-reader", "[\"read\"]", null);
        prefixed = token("influx-plant", "[\"write\"]", "plant1.");
    }

    private static String token(String name, String scopes, String prefix) {
        HttpResponse<String> answer = server.admin("POST", "/admin/tokens", "{\"name\": \"" + name
                + "\", \"scopes\": " + scopes + (prefix == null ? "" : ", \"sensor_prefix\": \"" + prefix + "\"")
                + "}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        return TidemarkClient.json(answer).path("secret").asText();
    }

    private static Answer send(String method, String path, String body, String... headers) {
        return LoopbackClient.fresh(server.get().app().port()).send(method, path, body, headers);
    }

    private static JsonNode json(Answer answer) {
        try {
            return JSON.readTree(answer.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + answer.body(), e);
        }
    }

    private static String basic(String user, String password) {
        return "Authorization: Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    private static void assertV1(Answer answer, int status) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(json(answer).path("error").asText()).isNotEmpty();
        assertThat(answer.header("X-Influxdb-Error")).hasSize(1);
        assertThat(answer.header("X-Influxdb-Version")).hasSize(1);
    }

    private static void assertV2(Answer answer, int status, String code) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(json(answer).path("code").asText()).isEqualTo(code);
        assertThat(json(answer).path("message").asText()).isNotEmpty();
        assertThat(answer.header("X-Platform-Error-Code")).containsExactly(code);
        assertThat(answer.header("X-Influxdb-Version")).hasSize(1);
    }

    static Stream<Arguments> credentials() {
        return Stream.of(
                Arguments.of("/write?db=auth1", "Token", new String[] {"Authorization: Token " + writer}),
                Arguments.of("/write?db=auth1", "Bearer", new String[] {"Authorization: Bearer " + writer}),
                Arguments.of("/write?db=auth1", "Basic, any user", new String[] {basic("telegraf", writer)}),
                Arguments.of("/write?db=auth1&u=telegraf&p=" + writer, "u and p", new String[0]),
                Arguments.of("/api/v2/write?bucket=auth1", "Token", new String[] {"Authorization: Token " + writer}));
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("credentials")
    void theCredentialsInfluxClientsSendAreTaken(String path, String form, String[] headers) {
        Answer answer = send("POST", path, "m v=1", headers);

        assertThat(answer.status()).as(answer.body()).isEqualTo(204);
    }

    @Test
    void queryParametersAreNoCredentialOnThe2xPath() {
        assertV2(send("POST", "/api/v2/write?bucket=auth1&u=x&p=" + writer, "m v=1"), 401, "unauthorized");
    }

    @Test
    void missingOrWrongCredentialIs401InTheShapeOfThePath() {
        assertV1(send("POST", "/write?db=auth2", "m v=1"), 401);
        assertV1(send("POST", "/query?q=CREATE+DATABASE+x", ""), 401);
        assertV1(send("POST", "/write?db=auth2&u=x&p=wrong", "m v=1"), 401);
        assertV2(send("POST", "/api/v2/write?bucket=auth2", "m v=1"), 401, "unauthorized");
        assertV2(send("POST", "/api/v2/write?bucket=auth2", "m v=1", "Authorization: Token wrong"), 401,
                "unauthorized");
        assertThat(server.queryLong("SELECT count(*) FROM readings_v WHERE tags->>'db' = 'auth2'")).isZero();
        // The refusal says how an InfluxDB client sends a token, not Tidemark's own Bearer form.
        assertThat(json(send("POST", "/write?db=auth2", "m v=1")).path("error").asText())
                .contains("'Authorization: Token <token>', or the token as the password");
        assertThat(json(send("POST", "/api/v2/write?bucket=auth2", "m v=1")).path("message").asText())
                .contains("'Authorization: Token <token>'").doesNotContain("Bearer");
    }

    @Test
    void tokenWithoutWriteScopeIs403() {
        assertV1(send("POST", "/write?db=auth3", "m v=1", "Authorization: Token " + reader), 403);
        assertV1(send("GET", "/query?q=CREATE+DATABASE+x", null, "Authorization: Token " + reader), 403);
        assertV2(send("POST", "/api/v2/write?bucket=auth3", "m v=1", "Authorization: Token " + reader), 403,
                "forbidden");
    }

    @Test
    void lineOutsideTheTokensPrefixIs403NamingItAndNothingIsStored() {
        String body = "plant1.boiler v=1\nplant2.boiler v=2\nplant1.pump v=3\n";

        Answer v1 = send("POST", "/write?db=auth4", body, "Authorization: Token " + prefixed);
        Answer v2 = send("POST", "/api/v2/write?bucket=auth4", body, "Authorization: Token " + prefixed);
        Answer inside = send("POST", "/write?db=auth5", "plant1.boiler v=1", "Authorization: Token " + prefixed);

        assertV1(v1, 403);
        assertV2(v2, 403, "forbidden");
        assertThat(json(v1).path("error").asText()).contains("line 2", "plant2.boiler", "plant1.");
        assertThat(server.queryLong("SELECT count(*) FROM readings_v WHERE tags->>'db' = 'auth4'")).isZero();
        assertThat(inside.status()).isEqualTo(204);
    }

    @Test
    void aReplayNeverAnswersAcrossSensorPrefixes() {
        String body = "plant1.valve v=1 " + System.currentTimeMillis() * 1_000_000L;

        Answer prefixedWrite = send("POST", "/write?db=auth7", body, "Authorization: Token " + prefixed);
        Answer otherToken = send("POST", "/write?db=auth7", body, "Authorization: Token " + writer);
        Answer prefixedAgain = send("POST", "/write?db=auth7", body, "Authorization: Token " + prefixed);

        assertThat(prefixedWrite.status()).isEqualTo(204);
        assertThat(otherToken.status()).isEqualTo(204);
        assertThat(otherToken.header("Idempotent-Replayed")).as("another prefix, another key").isEmpty();
        assertThat(prefixedAgain.header("Idempotent-Replayed")).containsExactly("true");
    }

    @Test
    void pingIsOpenWithoutCredentials() {
        assertThat(send("GET", "/ping", null).status()).isEqualTo(204);
        assertThat(send("HEAD", "/ping", null).status()).isEqualTo(204);
    }

    @Test
    void tooManyFailedLoginsIs429InTheShapeOfThePath() {
        LoopbackClient client = LoopbackClient.fresh(server.get().app().port());
        for (int i = 0; i < FailedLogins.MAX_FAILURES; i++) {
            client.send("POST", "/write?db=auth6&p=wrong" + i, "m v=1");
        }

        Answer v1 = client.send("POST", "/write?db=auth6", "m v=1", "Authorization: Token " + writer);
        Answer v2 = client.send("POST", "/api/v2/write?bucket=auth6", "m v=1", "Authorization: Token " + writer);

        assertV1(v1, 429);
        assertV2(v2, 429, "too many requests");
        assertThat(v1.header("Retry-After")).hasSize(1);
    }
}
