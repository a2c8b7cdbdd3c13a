package io.tidemark.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Tidemark server under test, run as users run it ({@code java -jar target/tidemark.jar}) in a process of its own
 * so that its CPU and memory can be measured apart from the load generator's. It listens on 127.0.0.1 only, with
 * the default configuration otherwise (or the file in BENCH_SERVER_CONFIG).
 */
final class TidemarkServer implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private TidemarkServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static TidemarkServer start(BenchSettings settings, Path workDir, String name, List<String> extraJvmOptions)
            throws IOException, InterruptedException {
        Path config = workDir.resolve("tidemark-" + name + ".yaml");
        if (settings.serverConfig() != null) {
            Files.copy(settings.serverConfig(), config, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.writeString(config, defaultConfig(settings));
        }
        return start(settings, workDir, name, extraJvmOptions, config);
    }

    /**
     * The configuration the figures run with: listening on 127.0.0.1, the repository's jobs loaded but not
     * scheduled (the ingest figures measure ingest; the rollup figures trigger their runs), a known admin token.
     */
    static String defaultConfig(BenchSettings settings) {
        return config(settings, false);
    }

    /** {@link #defaultConfig}, with the repository's jobs scheduled when {@code jobsEnabled}. */
    static String config(BenchSettings settings, boolean jobsEnabled) {
        return "http:\n  host: 127.0.0.1\njobs:\n  path: " + settings.root().resolve("jobs") + "\n  enabled: "
                + jobsEnabled + "\nadmin:\n  token: " + ADMIN_TOKEN + "\n";
    }

    /** The admin token of servers started with {@link #defaultConfig}. */
    static final String ADMIN_TOKEN = "bench-admin-token-0123456789";

    static TidemarkServer start(BenchSettings settings, Path workDir, String name, List<String> extraJvmOptions,
            Path config) throws IOException, InterruptedException {
        int port = BenchSettings.freePort();
        List<String> command = new ArrayList<>();
        command.add(settings.java());
        command.addAll(settings.serverJvmOptions());
        command.addAll(extraJvmOptions);
        command.addAll(List.of("-jar", settings.serverJar().toString(), "--config", config.toString()));
        // Logs outlive the run (bench/results is git-ignored) so a failure can be read afterwards.
        Path logs = Files.createDirectories(settings.resultsDir().resolve("logs"));
        Path log = logs.resolve("tidemark-" + name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("TIDEMARK_DATABASE_URL", settings.databaseUrl());
        builder.environment().put("TIDEMARK_HTTP_PORT", Integer.toString(port));
        Process process = builder.start();
        TidemarkServer server = new TidemarkServer(process, port, log);
        server.awaitHealthy(Duration.ofSeconds(60));
        return server;
    }

    private void awaitHealthy(Duration timeout) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("Tidemark exited with " + process.exitValue() + " while starting; see " + log);
            }
            try {
                var response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) return;
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        close();
        throw new IOException("Tidemark did not become healthy within " + timeout + "; see " + log);
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    /** Graceful stop (SIGTERM: the server commits what is queued), forced after 30 s. */
    @Override
    public void close() {
        ChildProcess.stop(process);
    }
}
