package io.tidemark.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real Server-Sent Events client over java.net.http: it streams the response body line by line on a thread of its
 * own and parses events. {@link #openPaused} opens the stream without reading it, to play a stalled client, until
 * {@link #resume()}.
 */
public final class SseClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** One event: its name and its data line. */
    public record Event(String name, String data) {
        public JsonNode json() {
            try {
                return JSON.readTree(data);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final InputStream body;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile boolean closed;

    private SseClient(InputStream body) {
        this.body = body;
        this.reader = new Thread(this::read, "sse-test-client");
        reader.setDaemon(true);
    }

    /** Opens {@code /api/v1/stream?query} and waits until the server says the subscription is live. */
    public static SseClient open(TestServer server, String query) {
        SseClient client = openPaused(server, query);
        client.resume();
        client.next("ready");
        return client;
    }

    /** Opens the stream but reads nothing from it until {@link #resume()}. */
    public static SseClient openPaused(TestServer server, String query) {
        String path = "/api/v1/stream" + (query.isEmpty() ? "" : "?" + query);
        HttpRequest request = HttpRequest.newBuilder(server.uri(path))
                .GET().build();
        try {
            HttpResponse<InputStream> response = HttpClient.newHttpClient()
                    .send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("stream answered " + response.statusCode() + ": "
                        + new String(response.body().readAllBytes(), StandardCharsets.UTF_8));
            }
            if (!response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
                throw new IllegalStateException("not an event stream: " + response.headers());
            }
            return new SseClient(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public void resume() {
        reader.start();
    }

    /** The next event, whatever its name; fails if none comes within a minute. */
    public Event next() {
        try {
            Event e = events.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            if (e == null) throw new AssertionError("no stream event within " + WAIT);
            return e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The next event, which must be named {@code name}. */
    public Event next(String name) {
        Event e = next();
        if (!e.name().equals(name)) throw new AssertionError("expected a '" + name + "' event, got " + e);
        return e;
    }

    /** An event that has already arrived, or null. */
    public Event poll() {
        return events.poll();
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String name = "message";
            StringBuilder data = null;
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.isEmpty()) {
                    if (data != null) events.add(new Event(name, data.toString()));
                    name = "message";
                    data = null;
                } else if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    if (data == null) data = new StringBuilder(line.substring(6));
                    else data.append('\n').append(line.substring(6));
                }
                // lines starting with ':' are comments (keep-alives)
            }
            events.add(new Event("end", ""));
        } catch (IOException e) {
            if (!closed) events.add(new Event("error", e.toString()));
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            body.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
