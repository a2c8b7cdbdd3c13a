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

    /** One event: its id (null if it had none), its name and its data line. */
    public record Event(String id, String name, String data) {
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
    /** The ready event, once {@link #open} or {@link #resume(TestServer, String, String)} has read it. */
    private Event ready;

    private SseClient(InputStream body) {
        this.body = body;
        this.reader = new Thread(this::read, "sse-test-client");
        reader.setDaemon(true);
    }

    /** Opens {@code /api/v1/stream?query} and waits until the server says the subscription is live. */
    public static SseClient open(TestServer server, String query) {
        return resume(server, query, null);
    }

    /**
     * Opens the stream as a reconnecting EventSource does, sending {@code lastEventId} (if not null) as the
     * {@code Last-Event-ID} header, and waits for the ready event.
     */
    public static SseClient resume(TestServer server, String query, String lastEventId) {
        SseClient client = openPaused(server, query, lastEventId);
        client.resume();
        client.ready = client.next("ready");
        return client;
    }

    /** Opens the stream but reads nothing from it until {@link #resume()}. */
    public static SseClient openPaused(TestServer server, String query) {
        return openPaused(server, query, null);
    }

    private static SseClient openPaused(TestServer server, String query, String lastEventId) {
        String path = "/api/v1/stream" + (query.isEmpty() ? "" : "?" + query);
        HttpRequest.Builder builder = HttpRequest.newBuilder(server.uri(path)).GET();
        if (lastEventId != null) builder.header("Last-Event-ID", lastEventId);
        HttpRequest request = builder.build();
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

    /** The stream's first event, as {@link #open} read it (null for a client opened paused). */
    public Event ready() {
        return ready;
    }

    /** An event that has already arrived, or null. */
    public Event poll() {
        return events.poll();
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null;
            String name = "message";
            StringBuilder data = null;
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.isEmpty()) {
                    if (data != null) events.add(new Event(id, name, data.toString()));
                    id = null;
                    name = "message";
                    data = null;
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    if (data == null) data = new StringBuilder(line.substring(6));
                    else data.append('\n').append(line.substring(6));
                }
                // lines starting with ':' are comments (keep-alives)
            }
            events.add(new Event(null, "end", ""));
        } catch (IOException e) {
            if (!closed) events.add(new Event(null, "error", e.toString()));
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
