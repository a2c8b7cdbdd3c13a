package io.tidemark.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.testing.TestServer;
import io.tidemark.testing.TidemarkClient;
import java.net.http.HttpResponse;

/** Creating and revoking tokens through the admin API, as an operator does. */
final class AdminTokens {
    private AdminTokens() {}

    /** Creates a token and returns the answer (the secret is its {@code secret}). */
    static JsonNode create(TestServer server, String name, String scopes, String prefix) {
        HttpResponse<String> answer = server.admin("POST", "/admin/tokens", "{\"name\": \"" + name
                + "\", \"scopes\": " + scopes + (prefix == null ? "" : ", \"sensor_prefix\": \"" + prefix + "\"")
                + "}");
        assertThat(answer.statusCode()).as("POST /admin/tokens: %s", answer.body()).isEqualTo(201);
        return TidemarkClient.json(answer);
    }

    static String secret(TestServer server, String name, String scopes) {
        return create(server, name, scopes, null).path("secret").asText();
    }

    static void revoke(TestServer server, long id) {
        HttpResponse<String> answer = server.admin("DELETE", "/admin/tokens/" + id, null);
        assertThat(answer.statusCode()).as("DELETE /admin/tokens/%s: %s", id, answer.body()).isEqualTo(200);
    }
}
