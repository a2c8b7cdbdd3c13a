package io.tidemark.prometheus;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.testing.Await;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code prometheus} binary (2.42) run by a test: a private config and TSDB in a directory of the test's,
 * a free loopback port, its log in a file there. {@link #close()} kills it; every wait is bounded.
 */
final class PrometheusProcess implements AutoCloseable {
    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Timestamps come as seconds with a millisecond fraction: read them as exact decimals, not doubles. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private PrometheusProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** {@code /usr/bin/prometheus}, else {@code prometheus} on the PATH, if either is there. */
    static Optional<Path> binary() {
        Path debian = Path.of("/usr/bin/prometheus");
        if (Files.isExecutable(debian)) return Optional.of(debian);
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path candidate = Path.of(dir, "prometheus");
            if (Files.isExecutable(candidate)) return Optional.of(candidate);
        }
        return Optional.empty();
    }

    /** A loopback port nobody listens on right now (Prometheus binds it a moment later). */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts Prometheus on {@code port} with {@code config} (YAML) as its config file, everything of it under
     * {@code dir}, and waits until it answers {@code /-/ready}; fails with its log if it exits or is not ready in time.
     */
    static PrometheusProcess start(Path binary, Path dir, int port, String config) throws IOException {
        Path configFile = dir.resolve("prometheus.yml");
        Files.writeString(configFile, config);
        Path log = dir.resolve("prometheus.log");
        Process process = new ProcessBuilder(binary.toString(), "--config.file=" + configFile,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusProcess prometheus = new PrometheusProcess(process, port, log);
        try {
            prometheus.awaitReady();
        } catch (RuntimeException | Error e) {
            prometheus.close();
            throw e;
        }
        return prometheus;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("prometheus exited with " + process.exitValue() + "; its log:\n"
                        + logTail(40));
            }
            try {
                if (get("/-/ready").statusCode() == 200) return;
            } catch (UncheckedIOException notYet) {
                // not listening yet
            }
            Await.pause(100);
        }
        throw new AssertionError("prometheus not ready within " + STARTUP.toSeconds() + " s; its log:\n"
                + logTail(40));
    }

    int port() {
        return port;
    }

    /** Its own {@code /metrics}, as text. */
    String metrics() {
        HttpResponse<String> answer = get("/metrics");
        if (answer.statusCode() != 200) throw new AssertionError("prometheus /metrics answered " + answer.statusCode());
        return answer.body();
    }

    /** The counters of its (one) remote write queue, read from its {@code /metrics} now. */
    RemoteWriteCounters remoteWriteCounters() {
        return RemoteWriteCounters.parse(metrics());
    }

    /**
     * The raw samples of range selector {@code selector} (such as {@code up{job="x"}[30s]}) evaluated at
     * {@code epochMillis}, as {@code /api/v1/query} returns them (a matrix).
     */
    RawSamples rawSamples(String selector, long epochMillis) {
        String time = epochMillis / 1000 + "." + String.format("%03d", epochMillis % 1000);
        HttpResponse<String> answer = get("/api/v1/query?query=" + URLEncoder.encode(selector, StandardCharsets.UTF_8)
                + "&time=" + time);
        JsonNode body;
        try {
            body = JSON.readTree(answer.body());
        } catch (IOException e) {
            throw new AssertionError("prometheus query " + selector + " answered non-JSON: " + answer.body(), e);
        }
        if (answer.statusCode() != 200 || !"matrix".equals(body.path("data").path("resultType").asText())) {
            throw new AssertionError("prometheus query " + selector + " answered " + answer.statusCode() + ": "
                    + answer.body());
        }
        return RawSamples.fromMatrix(body.path("data").path("result"));
    }

    /** The last {@code lines} lines of its log. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private HttpResponse<String> get(String pathAndQuery) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(REQUEST_TIMEOUT).GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during GET " + request.uri(), e);
        }
    }

    /** Kills it (SIGKILL: its TSDB is thrown away with the test's directory) and waits for it to be gone. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                System.err.println("prometheus (pid " + process.pid() + ") still alive 10 s after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
