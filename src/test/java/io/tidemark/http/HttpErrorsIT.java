package io.tidemark.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.testing.RawHttpConnection;
import io.tidemark.testing.RawHttpConnection.Answer;
import io.tidemark.testing.TestServer;
import io.tidemark.testing.TidemarkServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every error answer has the same JSON shape, whoever produces it: a route, the router (a known path asked with
 * the wrong method is a 405 with {@code Allow}, not a 404), or Jetty itself (a request it cannot parse).
 */
class HttpErrorsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final TidemarkServerExtension server = TidemarkServerExtension.withDefaults();

    @AfterEach
    void serverStaysHealthy() {
        server.assertHealthy();
    }

    private static Answer send(String request) {
        try (RawHttpConnection connection = new RawHttpConnection("127.0.0.1", server.get().app().port(),
                Duration.ofSeconds(10))) {
            return connection.send(request).read();
        }
    }

    private static void assertJsonError(Answer answer, int status) throws Exception {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.headers().get("content-type")).startsWith("application/json");
        assertThat(JSON.readTree(answer.body()).path("error").asText()).isNotBlank();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "PUT    | /api/v1/readings          | GET, HEAD, POST",
        "DELETE | /api/v1/readings          | GET, HEAD, POST",
        "POST   | /health                   | GET, HEAD",
        "POST   | /metrics                  | GET, HEAD",
        "POST   | /api/v1/series            | GET, HEAD",
        "POST   | /api/v1/rollups/1m        | GET, HEAD",
        "GET    | /admin/jobs/rollup_1m/run | POST",
        "DELETE | /admin/jobs               | GET, HEAD"})
    void wrongMethodOnAKnownPathIs405WithAllow(String method, String path, String allow) throws Exception {
        Answer answer = send(method + " " + path + " HTTP/1.1\r\nHost: tidemark\r\nAuthorization: Bearer "
                + TestServer.ADMIN_TOKEN + "\r\nContent-Length: 0\r\n\r\n");

        assertJsonError(answer, 405);
        assertThat(answer.headers()).containsEntry("allow", allow);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown path             | 404 | 'GET /nothing-here HTTP/1.1\r\nHost: tidemark\r\n\r\n'",
        "header without a colon   | 400 | 'GET /health HTTP/1.1\r\nHost: tidemark\r\nNo colon here\r\n\r\n'",
        "no Host header           | 400 | 'GET /health HTTP/1.1\r\n\r\n'",
        "unknown HTTP version     | 505 | 'GET /health HTTP/7.1\r\nHost: tidemark\r\n\r\n'",
        "unknown transfer coding | 400 | 'POST /api/v1/readings HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: zip\r\n\r\n'",
        "Content-Length not a number | 400 | 'POST /api/v1/readings HTTP/1.1\r\nHost: t\r\nContent-Length: x\r\n\r\n'"})
    void malformedRequestsGetJsonErrors(String why, int status, String request) throws Exception {
        assertJsonError(send(request.replace("\\r\\n", "\r\n")), status);
    }

    /** Bytes a URL decodes to that no name may hold, or that do not decode at all: a 400, never a 500. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not UTF-8 in a parameter    | /api/v1/series?prefix=%FF",
        "NUL in a parameter          | /api/v1/readings?sensor=a%00b",
        "broken percent-encoding     | /api/v1/readings?sensor=%ZZ",
        "NUL in a path parameter     | /api/v1/rollups/1m%00?sensor=a"})
    void badlyEncodedRequestsAre4xxJson(String why, String target) throws Exception {
        Answer answer = send("GET " + target + " HTTP/1.1\r\nHost: tidemark\r\n\r\n");

        assertThat(answer.status()).as(answer.body()).isBetween(400, 499);
        assertJsonError(answer, answer.status());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"headers too large | 431 | X-Big: ", "request line too long | 414 | "})
    void oversizedRequestsGetJsonErrors(String why, int status, String header) throws Exception {
        String filler = "a".repeat(64 * 1024);
        String request = header == null
                ? "GET /health?" + filler + " HTTP/1.1\r\nHost: tidemark\r\n\r\n"
                : "GET /health HTTP/1.1\r\nHost: tidemark\r\n" + header + filler + "\r\n\r\n";

        assertJsonError(send(request), status);
    }
}
