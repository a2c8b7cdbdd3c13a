package io.tidemark.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.testing.Await;
import io.tidemark.testing.Metrics;
import io.tidemark.testing.RawHttpConnection;
import io.tidemark.testing.RawHttpConnection.Answer;
import io.tidemark.testing.TidemarkServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How a request body is waited for: a body that does not arrive in time is cut off with a 408, a request refused
 * before its body is read is answered at once, without asking a client that waits for {@code 100 Continue} to send
 * it, and bodies read at once are bounded in memory.
 */
class RequestBodiesIT {
    private static final int MAX_BODY_BYTES = 256 * 1024;
    private static final int MAX_BUFFERED_BYTES = 64 * 1024;
    /** Longer than the body deadline, far shorter than the 30 s a refused 100-continue client used to wait. */
    private static final Duration PROMPT = Duration.ofSeconds(10);

    @RegisterExtension
    static final TidemarkServerExtension server = TidemarkServerExtension.withConfig("""
            http:
              body_timeout: 4s
              max_buffered_bytes: %d
            ingest:
              max_body_bytes: %d
            """.formatted(MAX_BUFFERED_BYTES, MAX_BODY_BYTES));

    @AfterEach
    void serverStaysHealthy() {
        server.assertHealthy();
    }

    private RawHttpConnection connect() {
        return new RawHttpConnection("127.0.0.1", server.get().app().port(), PROMPT);
    }

    private static String post(String contentType, long length, String... headers) {
        return "POST /api/v1/readings HTTP/1.1\r\nHost: tidemark\r\nContent-Type: " + contentType
                + "\r\nContent-Length: " + length + "\r\n" + String.join("", headers) + "\r\n";
    }

    @Test
    void bodyThatDoesNotArriveInTimeIsCutOffWith408() {
        String reading = "{\"sensor\":\"never-finished\",\"value\":1}\n";
        try (RawHttpConnection connection = connect()) {
            connection.send(post("application/x-ndjson", reading.length() + 100) + reading);

            Answer answer = connection.read();

            assertThat(answer.status()).as(answer.body()).isEqualTo(408);
            assertThat(answer.body()).contains("http.body_timeout")
                    .contains(reading.length() + " of " + (reading.length() + 100) + " bytes");
            assertThat(answer.headers()).containsEntry("connection", "close");
            assertThat(connection.closedByServer()).as("the connection is closed after the 408").isTrue();
        }
        assertThat(server.database().readings("never-finished")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unsupported Content-Type  | text/plain           | 100      |                          | 415",
        "too large by its length   | application/x-ndjson | 10000000 |                          | 413",
        "unsupported encoding      | application/x-ndjson | 100      | 'Content-Encoding: br\r\n' | 415"})
    void refusalIsAnsweredAtOnceWithoutAskingForTheBody(String why, String type, long length, String header,
            int status) {
        try (RawHttpConnection connection = connect()) {
            long started = System.nanoTime();
            connection.send(post(type, length, "Expect: 100-continue\r\n", header == null ? "" : header));

            Answer answer = connection.read();

            System.out.printf("%s with Expect: 100-continue answered %d in %d ms%n", why, answer.status(),
                    (System.nanoTime() - started) / 1_000_000);
            assertThat(answer.status()).as("no 100 Continue: the body is not wanted").isEqualTo(status);
            assertThat(answer.headers().get("content-type")).startsWith("application/json");
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"/admin/jobs/rollup_1m/run, 401", "/nothing-here, 404", "/health, 405"})
    void otherRoutesRefuseWithoutAskingForTheBody(String path, int status) {
        try (RawHttpConnection connection = connect()) {
            connection.send("POST " + path + " HTTP/1.1\r\nHost: tidemark\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000\r\nExpect: 100-continue\r\n\r\n");

            Answer answer = connection.read();

            assertThat(answer.status()).as("no 100 Continue: the body is not wanted").isEqualTo(status);
            assertThat(answer.headers().get("content-type")).startsWith("application/json");
        }
    }

    @Test
    void acceptedRequestAsksForItsBodyWithContinue() {
        String body = "{\"sensor\":\"continued\",\"value\":1}";
        try (RawHttpConnection connection = connect()) {
            connection.send(post("application/json", body.length(), "Expect: 100-continue\r\n"));
            assertThat(connection.read().status()).isEqualTo(100);

            Answer answer = connection.send(body).read();

            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("{\"accepted\":1}");
        }
        assertThat(server.database().readings("continued")).hasSize(1);
    }

    @Test
    void bodiesBeyondTheBufferBudgetGet503WithRetryAfter() {
        String reading = "{\"sensor\":\"budget-holder\",\"value\":1}\n";
        String holding = reading.repeat(40 * 1024 / reading.length());
        String second = "{\"sensor\":\"budget-second\",\"value\":1}\n".repeat(MAX_BUFFERED_BYTES / reading.length());
        try (RawHttpConnection holder = connect(); RawHttpConnection other = connect()) {
            // The holder sends 40 KiB of a body and holds back the rest; the other body would take the budget past
            // 64 KiB. Alone, either fits.
            holder.send(post("application/x-ndjson", holding.length() + 10L) + holding);
            Await.until("the server holds the first body", () -> Metrics.value(server.get(),
                    "tidemark_http_buffered_body_bytes") >= holding.length());
            Answer answer = other.send(post("application/x-ndjson", second.length()) + second).read();

            assertThat(answer.status()).as(answer.body()).isEqualTo(503);
            assertThat(answer.headers()).containsKey("retry-after");
            assertThat(answer.body()).contains("http.max_buffered_bytes");
        }
        assertThat(server.database().readings("budget-second")).isEmpty();
    }
}
