package io.tidemark.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The remote-write peer: a single-node VictoriaMetrics ({@code victoria-metrics} from Debian's package of the same
 * name) with its data in a fresh temporary directory, listening on 127.0.0.1 only, stopped and its data deleted on
 * close. Its durability is weaker than Tidemark's: it answers a write once the samples are in its in-memory buffers,
 * which it flushes to disk about once a second, so an acknowledged write can be lost in a crash.
 */
final class VictoriaMetricsServer implements AutoCloseable {
    static final String BINARY = "victoria-metrics";

    private final Process process;
    private final int port;
    private final Path dir;

    private VictoriaMetricsServer(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /**
     * The installed package's version, or null when the binary is not installed. (Debian's build prints an empty
     * {@code -version}, so the package manager is asked.)
     */
    static String version() {
        if (!installed()) return null;
        try {
            Process p = new ProcessBuilder("dpkg-query", "-W", "-f", "${Version}", BINARY).redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return p.exitValue() == 0 && !out.isEmpty() ? out : "unknown version";
        } catch (IOException e) {
            return "unknown version";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown version";
        }
    }

    private static boolean installed() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String d : path.split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, BINARY))) return true;
        }
        return false;
    }

    static VictoriaMetricsServer start(Path workDir) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(workDir, "victoria-metrics-");
        int port = BenchSettings.freePort();
        // Only the flags that differ from the defaults: a loopback-only listener, where data goes, and a retention
        // of a year (the default, 1 month, would hold the pool's 3 days too, but leaves no margin to think about).
        // Its other listeners (Graphite, InfluxDB, OpenTSDB) and self-scraping are off by default.
        Process process = new ProcessBuilder(BINARY, "-httpListenAddr=127.0.0.1:" + port,
                "-storageDataPath=" + dir.resolve("data"), "-retentionPeriod=1y", "-loggerLevel=WARN")
                .redirectErrorStream(true).redirectOutput(dir.resolve("victoria-metrics.log").toFile()).start();
        VictoriaMetricsServer server = new VictoriaMetricsServer(process, port, dir);
        try {
            server.awaitReady();
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void awaitReady() throws IOException, InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(BINARY + " exited; see " + dir.resolve("victoria-metrics.log"));
            }
            try {
                var r = client.send(HttpRequest.newBuilder(uri("/health")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) return;
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IOException(BINARY + " did not answer /health within 30 s");
    }

    /**
     * The number of samples stored: flushes the in-memory buffers to searchable parts, then counts every sample, up
     * to a day ahead of the clock, that {@code /api/v1/export} returns (raw samples, without deduplication, which is
     * off by default). A flush right after a load can leave the newest samples unsearchable for a moment, so the count
     * is taken again, for up to 10 s, until it reaches what VictoriaMetrics counts as added to its storage.
     */
    long countSamples() throws IOException, InterruptedException {
        long exported = 0;
        for (int attempt = 0; attempt < 20; attempt++) {
            if (attempt > 0) Thread.sleep(500);
            long added = rowsAddedToStorage();
            exported = flushAndExport();
            if (exported >= added) return exported;
        }
        return exported;
    }

    private long flushAndExport() throws IOException, InterruptedException {
        flush();
        HttpClient client = HttpClient.newHttpClient();
        String match = URLEncoder.encode("{__name__!=\"\"}", StandardCharsets.UTF_8);
        // The export ends at "now" unless told otherwise; the live files' fresh samples are seconds ahead of it.
        long end = Instant.now().plus(Duration.ofDays(1)).getEpochSecond();
        var r = client.send(HttpRequest.newBuilder(uri("/api/v1/export?match[]=" + match + "&end=" + end)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = r.body();
                BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            if (r.statusCode() != 200) throw new IOException("export answered " + r.statusCode());
            long samples = 0;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) samples += timestamps(line);
            return samples;
        }
    }

    /** Flushes the in-memory buffers to searchable parts. */
    void flush() throws IOException, InterruptedException {
        var flushed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri("/internal/force_flush")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (flushed.statusCode() != 200) {
            throw new IOException("force_flush answered " + flushed.statusCode() + ": " + flushed.body());
        }
    }

    /**
     * VictoriaMetrics' own count of the samples it added to its storage ({@code vm_rows_added_to_storage_total}), to
     * tell samples it never stored from samples its export does not find.
     */
    long rowsAddedToStorage() throws IOException, InterruptedException {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(l -> l.startsWith("vm_rows_added_to_storage_total "))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.indexOf(' ') + 1).trim())).findFirst()
                .orElseThrow(() -> new IOException("no vm_rows_added_to_storage_total on /metrics"));
    }

    /** The length of the {@code "timestamps":[...]} array of one exported series (a JSON line). */
    static long timestamps(String line) {
        int start = line.indexOf("\"timestamps\":[");
        if (start < 0) throw new IllegalArgumentException("an export line without timestamps: " + line);
        start += "\"timestamps\":[".length();
        int end = line.indexOf(']', start);
        if (end == start) return 0;
        long n = 1;
        for (int i = start; i < end; i++) {
            if (line.charAt(i) == ',') n++;
        }
        return n;
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** Its data, log and nothing else: what it takes on disk. */
    Path dir() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        ChildProcess.stop(process);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
