package io.tidemark.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A plain HTTP/1.1 client of one Tidemark server, sending what a user's client would send. */
public final class TidemarkClient {
    public static final String READINGS = "/api/v1/readings";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final String base;

    public TidemarkClient(String host, int port) {
        this("http://" + host + ":" + port, builder().build());
    }

    /** A client of {@code base} (such as {@code https://127.0.0.1:8443}) through {@code http}. */
    public TidemarkClient(String base, HttpClient http) {
        this.base = base;
        this.http = http;
    }

    /** How this client's {@link HttpClient} is built: HTTP/1.1, a short connect timeout. */
    public static HttpClient.Builder builder() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5));
    }

    public URI uri(String path) {
        return URI.create(base + path);
    }

    public HttpClient http() {
        return http;
    }

    /** A POST to the readings endpoint; {@code headers} are name, value pairs (Content-Type among them, if any). */
    public HttpRequest.Builder readings(byte[] body, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(READINGS)).timeout(REQUEST_TIMEOUT)
                .POST(BodyPublishers.ofByteArray(body));
        return headers.length == 0 ? builder : builder.headers(headers);
    }

    /** Like {@link #readings(byte[], String...)}, but sent with chunked transfer encoding (no Content-Length). */
    public HttpRequest.Builder readingsChunked(byte[] body, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(READINGS)).timeout(REQUEST_TIMEOUT)
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
        return headers.length == 0 ? builder : builder.headers(headers);
    }

    /** POSTs {@code body} as {@code contentType}, with more headers as name, value pairs. */
    public HttpResponse<String> postReadings(String contentType, String body, String... headers) {
        return postReadings(contentType, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    public HttpResponse<String> postReadings(String contentType, byte[] body, String... headers) {
        return send(readings(body, headers).header("Content-Type", contentType).build());
    }

    /** POSTs {@code body} as JSON and asserts it is accepted (200); returns the answer. */
    public HttpResponse<String> postJson(String body) {
        return accepted(postReadings(Bodies.JSON, body));
    }

    /** POSTs one reading as a JSON object (RFC 3339 timestamp) and asserts it is accepted (200). */
    public HttpResponse<String> postReading(String sensor, String metric, Instant ts, double value) {
        return postJson(String.format("{\"sensor\":\"%s\",\"metric\":\"%s\",\"ts\":\"%s\",\"value\":%s}",
                sensor, metric, ts, value));
    }

    /**
     * POSTs {@code readings} as NDJSON (RFC 3339 timestamps), with more headers as name, value pairs, and asserts they
     * are accepted (200); returns the answer.
     */
    public HttpResponse<String> postNdjson(List<Reading> readings, String... headers) {
        return accepted(postReadings(Bodies.NDJSON,
                Bodies.ndjson(Bodies.json(readings, Reading.TimestampStyle.RFC3339)), headers));
    }

    private static HttpResponse<String> accepted(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as("POST %s answered %s", READINGS, answer.body()).isEqualTo(200);
        return answer;
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(REQUEST_TIMEOUT).GET().build());
    }

    /** GETs {@code path} with {@code Authorization: Bearer <token>}. */
    public HttpResponse<String> get(String path, String token) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + token).GET().build());
    }

    /** {@code GET /metrics} with the admin token of {@link TestServer} (scraping needs scope metrics). */
    public HttpResponse<String> metrics() {
        return get("/metrics", TestServer.ADMIN_TOKEN);
    }

    /** {@code GET /health} with the admin token, so the answer shows the database and the writes too. */
    public HttpResponse<String> health() {
        return get("/health", TestServer.ADMIN_TOKEN);
    }

    /** How many readings wait for the writer, as {@code GET /health} tells. */
    public int queuedReadings() {
        return json(get("/health")).path("queue").path("readings").asInt();
    }

    /** @throws UncheckedIOException when no answer arrives (connection refused or reset, timeout) */
    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + request.uri(), e);
        }
    }

    /**
     * Sends {@code head} (request line and headers, as raw bytes: what {@link HttpClient} would not send, e.g. UTF-8
     * in a header) and {@code body} on a connection of its own; returns the whole answer as text.
     */
    public String sendRaw(byte[] head, byte[] body) {
        URI uri = uri("/");
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout((int) REQUEST_TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(head);
            out.write(("Host: " + uri.getHost() + "\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest request) {
        return http.sendAsync(request, BodyHandlers.ofString());
    }

    /** The JSON body of an answer. */
    public static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("answer " + response.statusCode() + " is not JSON: " + response.body(), e);
        }
    }
}
