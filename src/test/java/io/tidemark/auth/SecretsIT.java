package io.tidemark.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.testing.LoopbackClient;
import io.tidemark.testing.ServerProcess;
import io.tidemark.testing.TestDatabase;
import io.tidemark.testing.TidemarkClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server as an operator runs it, with every secret set: it refuses to open data to other machines by default,
 * and no token, ticket, password or webhook credential reaches its output, whatever clients send.
 */
@Timeout(300)
class SecretsIT {
    private static final String ADMIN_TOKEN = "adminsecret-0123456789";
    private static final String DB_PASSWORD = "dbsecret-password";
    private static final String WEBHOOK_SECRET = "hooksecret";
    private static final String WRONG_TOKEN = "tdm_wrongsecret";

    @Test
    void refusesToStartOnEveryInterfaceWithAnonymousScopesBeforeTouchingTheDatabase() throws IOException {
        try (TestDatabase database = TestDatabase.create()) {
            Path config = Files.createTempFile("tidemark-exposed", ".yaml");
            Files.writeString(config, "http:\n  host: 0.0.0.0\n  port: 0\ndatabase:\n  create_database: false\n");
            try (ServerProcess server = ServerProcess.launchWithArguments(database, config, Map.of(),
                    "--config", config.toString())) {
                assertThat(server.awaitExit(Duration.ofSeconds(60))).as("exit code").isNotZero();
                assertThat(String.join("\n", server.output())).contains("http.host is 0.0.0.0", "auth.anonymous",
                        "auth.allow_anonymous_remote: true").doesNotContain("Tidemark listening", "Exception");
                assertThat(database.queryLong("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
                        .as("tables created").isZero();
            }
        }
    }

    @Test
    void noSecretReachesTheOutputWhateverClientsSend() throws Exception {
        try (TestDatabase database = TestDatabase.create()) {
            Map<String, String> env = Map.of(
                    "TIDEMARK_DATABASE_PASSWORD", DB_PASSWORD,
                    "TIDEMARK_ADMIN_TOKEN", ADMIN_TOKEN,
                    "TIDEMARK_WEBHOOK_URL", "http://hook:" + WEBHOOK_SECRET + "@127.0.0.1:9/x?token=" + WEBHOOK_SECRET);
            List<String> secrets = new ArrayList<>(List.of(ADMIN_TOKEN, DB_PASSWORD, WEBHOOK_SECRET, WRONG_TOKEN));
            try (ServerProcess server = ServerProcess.launch(database, 0, "auth:\n  anonymous: []\n", env)
                    .awaitListening()) {
                TidemarkClient api = server.api();
                HttpResponse<String> created = send(api, "POST", "/admin/tokens", ADMIN_TOKEN,
                        "{\"name\": \"everything\", \"scopes\": [\"read\", \"write\", \"metrics\"]}");
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                String token = TidemarkClient.json(created).path("secret").asText();
                secrets.add(token);
                String ticket = TidemarkClient.json(send(api, "POST", "/api/v1/stream/tickets", token, ""))
                        .path("ticket").asText();
                secrets.add(ticket);
                exercise(server, api, token, ticket);
                long id = TidemarkClient.json(created).path("id").asLong();
                assertThat(send(api, "DELETE", "/admin/tokens/" + id, ADMIN_TOKEN, null).statusCode())
                        .isEqualTo(200);
                exercise(server, api, token, ticket);

                server.terminate();
                server.awaitExit(Duration.ofSeconds(60));
                String output = String.join("\n", server.output());
                assertThat(output).contains("Tidemark stopped");
                for (String secret : secrets) assertThat(output).as("the output").doesNotContain(secret);
                assertThat(output).doesNotContain(base64("u:" + token), base64("u:" + ADMIN_TOKEN));
            }
        }
    }

    /** Every route, without a credential, with a wrong one, and with {@code token} in each form. */
    private static void exercise(ServerProcess server, TidemarkClient api, String token, String ticket)
            throws IOException, InterruptedException {
        List<String[]> routes = List.of(
                new String[] {"POST", "/api/v1/readings", "{\"sensor\": \"s\", \"value\": 1}"},
                new String[] {"POST", "/api/v1/readings", "{\"sensor\": \"s\", \"value\": \"bad\"}"},
                new String[] {"GET", "/api/v1/readings?sensor=s&metric=value", null},
                new String[] {"GET", "/api/v1/readings?sensor=s&from=nonsense", null},
                new String[] {"GET", "/api/v1/series", null},
                new String[] {"GET", "/api/v1/alerts", null},
                new String[] {"GET", "/api/v1/rollups/1m?sensor=s", null},
                new String[] {"POST", "/api/v1/stream/tickets", ""},
                new String[] {"GET", "/health", null},
                new String[] {"GET", "/metrics", null},
                new String[] {"GET", "/admin/jobs", null},
                new String[] {"GET", "/admin/tokens", null},
                new String[] {"POST", "/admin/tokens", "{\"name\": 1}"},
                new String[] {"GET", "/nothing-here", null});
        for (String[] route : routes) {
            String body = route[2];
            LoopbackClient.fresh(server.port()).send(route[0], route[1], body, "Content-Type: application/json");
            LoopbackClient.fresh(server.port()).send(route[0], route[1], body, "Content-Type: application/json",
                    "Authorization: Bearer " + WRONG_TOKEN);
            for (String header : List.of("Bearer " + token, "Token " + token, "Basic " + base64("u:" + token),
                    "Basic " + base64("u:" + ADMIN_TOKEN))) {
                LoopbackClient.fresh(server.port()).send(route[0], route[1], body,
                        "Content-Type: application/json", "Authorization: " + header);
            }
        }
        HttpResponse<InputStream> stream = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/api/v1/stream?ticket=" + ticket)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        stream.body().close();
        api.get("/api/v1/stream?ticket=" + ticket + "&sensor=x");
    }

    private static HttpResponse<String> send(TidemarkClient api, String method, String path, String token,
            String body) {
        return api.send(HttpRequest.newBuilder(api.uri(path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
