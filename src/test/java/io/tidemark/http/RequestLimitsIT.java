package io.tidemark.http;

import static io.tidemark.testing.Bodies.JSON;
import static io.tidemark.testing.Bodies.NDJSON;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.testing.Bodies;
import io.tidemark.testing.RawHttpConnection;
import io.tidemark.testing.TidemarkClient;
import io.tidemark.testing.TidemarkServerExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bodies the server must refuse before they cost it memory or are misread: too large (413, counted raw and after
 * gzip), not gzip though declared so (400), of a type or encoding it does not read (415). The server stays healthy.
 */
class RequestLimitsIT {
    private static final int MAX_BODY_BYTES = 16 * 1024;
    @RegisterExtension
    static final TidemarkServerExtension server =
            TidemarkServerExtension.withConfig("ingest:\n  max_body_bytes: " + MAX_BODY_BYTES + "\n");

    @AfterEach
    void serverStaysHealthy() {
        server.assertHealthy();
    }

    /** Valid NDJSON readings of sensor {@code sensor} making a body of exactly {@code bytes} bytes. */
    private static byte[] ndjsonOfSize(String sensor, int bytes) {
        String line = "{\"sensor\":\"" + sensor + "\",\"value\":1}\n";
        StringBuilder body = new StringBuilder();
        while (body.length() + line.length() <= bytes) body.append(line);
        body.append(" ".repeat(bytes - body.length())); // whitespace between objects is valid NDJSON
        byte[] result = body.toString().getBytes(StandardCharsets.US_ASCII);
        assertThat(result).hasSize(bytes);
        return result;
    }

    private static void assertStatus(HttpResponse<String> response, int status, String errorPart) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(TidemarkClient.json(response).path("error").asText()).contains(errorPart);
    }

    @Test
    void rejectsBodyOverTheLimitByContentLength() {
        byte[] body = ndjsonOfSize("too-big-sized", MAX_BODY_BYTES + 1);

        HttpResponse<String> response = server.api().send(server.api().readings(body, "Content-Type", NDJSON).build());

        // Refused on its Content-Length, before a byte of it is read.
        assertStatus(response, 413, "body of " + (MAX_BODY_BYTES + 1) + " bytes exceeds ingest.max_body_bytes");
        assertThat(server.database().readings("too-big-sized")).isEmpty();
    }

    @Test
    void rejectsChunkedBodyOverTheLimit() {
        byte[] body = ndjsonOfSize("too-big-chunked", MAX_BODY_BYTES + 1);

        HttpResponse<String> response = server.api().send(
                server.api().readingsChunked(body, "Content-Type", NDJSON).build());

        // No length announced: refused while streaming, once the limit is passed.
        assertStatus(response, 413, "body exceeds ingest.max_body_bytes");
        assertThat(server.database().readings("too-big-chunked")).isEmpty();
    }

    /**
     * A chunked body one byte over the limit whose end comes later: the read that takes the last byte fills the
     * buffer's spare byte, and then nothing is ready to read (no room is asked for, which would refuse it) until the
     * container says the body is over.
     */
    @Test
    void rejectsChunkedBodyOverTheLimitWhoseEndComesLater() throws InterruptedException {
        byte[] body = ndjsonOfSize("too-big-by-one", MAX_BODY_BYTES + 1);
        try (RawHttpConnection connection = new RawHttpConnection("127.0.0.1", server.get().app().port(),
                Duration.ofSeconds(10))) {
            connection.send("POST /api/v1/readings HTTP/1.1\r\nHost: tidemark\r\nContent-Type: " + NDJSON
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(body.length) + "\r\n");
            connection.send(body);
            connection.send("\r\n");
            Thread.sleep(300); // the server reads the whole chunk, and waits for more
            connection.send("0\r\n\r\n");

            RawHttpConnection.Answer answer = connection.read();

            assertThat(answer.status()).as(answer.body()).isEqualTo(413);
        }
        assertThat(server.database().readings("too-big-by-one")).isEmpty();
    }

    @Test
    void acceptsBodiesOfExactlyTheLimit() {
        byte[] sized = ndjsonOfSize("at-limit-sized", MAX_BODY_BYTES);
        byte[] chunked = ndjsonOfSize("at-limit-chunked", MAX_BODY_BYTES);

        HttpResponse<String> first = server.api().send(server.api().readings(sized, "Content-Type", NDJSON).build());
        HttpResponse<String> second = server.api().send(
                server.api().readingsChunked(chunked, "Content-Type", NDJSON).build());

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        int lines = MAX_BODY_BYTES / "{\"sensor\":\"at-limit-sized\",\"value\":1}\n".length();
        assertThat(server.database().readings("at-limit-sized")).hasSize(lines);
    }

    @Test
    void rejectsGzipBombThatDecompressesPastTheLimit() {
        byte[] inflated = ndjsonOfSize("bomb", 100 * MAX_BODY_BYTES);
        byte[] bomb = Bodies.gzip(inflated);
        assertThat(bomb.length).as("compressed size").isLessThan(MAX_BODY_BYTES / 4);

        HttpResponse<String> response = server.api().postReadings(NDJSON, bomb, "Content-Encoding", "gzip");

        assertStatus(response, 413, "decompressed body exceeds ingest.max_body_bytes");
        assertThat(server.database().readings("bomb")).isEmpty();
    }

    @Test
    void rejectsChunkedGzipBomb() {
        byte[] bomb = Bodies.gzip(ndjsonOfSize("chunked-bomb", 100 * MAX_BODY_BYTES));

        HttpResponse<String> response = server.api().send(server.api().readingsChunked(bomb,
                "Content-Type", NDJSON, "Content-Encoding", "gzip").build());

        assertStatus(response, 413, "ingest.max_body_bytes");
        assertThat(server.database().readings("chunked-bomb")).isEmpty();
    }

    @Test
    void rejectsBodyThatIsNotGzipThoughDeclaredSo() {
        HttpResponse<String> response = server.api().postReadings(JSON, "{\"sensor\":\"not-gzip\",\"value\":1}",
                "Content-Encoding", "gzip");

        assertStatus(response, 400, "not valid gzip");
        assertThat(server.database().readings("not-gzip")).isEmpty();
    }

    @Test
    void rejectsTruncatedGzip() {
        byte[] whole = Bodies.gzip(ndjsonOfSize("truncated-gzip", 4000));
        byte[] truncated = Arrays.copyOf(whole, whole.length / 2);

        HttpResponse<String> response = server.api().postReadings(NDJSON, truncated, "Content-Encoding", "gzip");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(server.database().readings("truncated-gzip")).isEmpty();
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = {"text/plain", "application/xml", "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x"})
    void rejectsUnsupportedContentTypes(String type) {
        HttpResponse<String> response = server.api().postReadings(type, "{\"sensor\":\"wrong-type\",\"value\":1}");

        assertStatus(response, 415, "Content-Type");
        assertThat(server.database().readings("wrong-type")).isEmpty();
    }

    @Test
    void rejectsMissingContentType() {
        byte[] body = "{\"sensor\":\"no-type\",\"value\":1}".getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = server.api().send(server.api().readings(body).build());

        assertStatus(response, 415, "Content-Type is missing");
        assertThat(server.database().readings("no-type")).isEmpty();
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = {"br", "deflate", "compress", "gzip, br"})
    void rejectsUnknownContentEncodings(String encoding) {
        byte[] gzipped = Bodies.gzip("{\"sensor\":\"wrong-encoding\",\"value\":1}");

        HttpResponse<String> response = server.api().postReadings(JSON, gzipped, "Content-Encoding", encoding);

        assertStatus(response, 415, "Content-Encoding");
        assertThat(server.database().readings("wrong-encoding")).isEmpty();
    }
}
