package io.tidemark.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The peer: an InfluxDB 1.x ({@code influxd} from Debian's {@code influxdb} package) with its data in a fresh
 * temporary directory, listening on 127.0.0.1 only, usage reporting and self-monitoring off. Stopped and its data
 * deleted on close. Its durability matches Tidemark's: by default each write is fsynced to its WAL before the
 * answer ({@code wal-fsync-delay = "0s"}).
 */
final class InfluxServer implements AutoCloseable {
    static final String DATABASE = "bench";

    private final Process process;
    private final int port;
    private final Path dir;

    private InfluxServer(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** The installed influxd's version, or null when it is not installed. */
    static String version() {
        try {
            Process p = new ProcessBuilder("influxd", "version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            Matcher m = Pattern.compile("InfluxDB v?(\\S+)").matcher(out);
            return p.exitValue() == 0 && m.find() ? m.group(1) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static InfluxServer start(Path workDir) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(workDir, "influx-");
        int port = BenchSettings.freePort();
        int rpcPort = BenchSettings.freePort();
        // Only the keys that differ from influxd's defaults: where data goes, loopback-only listeners, no phoning
        // home, no _internal database, no per-request access log (Tidemark logs no request either).
        Path config = dir.resolve("influxdb.conf");
        Files.writeString(config, """
                reporting-disabled = true
                bind-address = "127.0.0.1:%d"
                [meta]
                  dir = "%s/meta"
                [data]
                  dir = "%s/data"
                  wal-dir = "%s/wal"
                  query-log-enabled = false
                [monitor]
                  store-enabled = false
                [http]
                  bind-address = "127.0.0.1:%d"
                  log-enabled = false
                """.formatted(rpcPort, dir, dir, dir, port));
        Process process = new ProcessBuilder("influxd", "run", "-config", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("influxd.log").toFile()).start();
        InfluxServer server = new InfluxServer(process, port, dir);
        try {
            server.awaitReady();
            server.query("CREATE DATABASE " + DATABASE);
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
            if (!process.isAlive()) throw new IOException("influxd exited; see " + dir.resolve("influxd.log"));
            try {
                var r = client.send(HttpRequest.newBuilder(uri("/ping")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 204) return;
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IOException("influxd did not answer /ping within 30 s");
    }

    /** Runs an InfluxQL statement; returns the JSON answer. */
    String query(String q) throws IOException, InterruptedException {
        var r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri("/query"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("q=" + URLEncoder.encode(q, StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 || r.body().contains("\"error\"")) {
            throw new IOException("InfluxQL " + q + " failed: " + r.statusCode() + " " + r.body());
        }
        return r.body();
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

    /** Its data, WAL, configuration and log: what it takes on disk. */
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
