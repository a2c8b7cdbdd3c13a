package io.tidemark.testing;

import io.tidemark.Main;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tidemark as an operator runs it: {@code java io.tidemark.Main --config FILE} in a JVM of its own (on the test
 * class path), reaching a {@link TestDatabase} whose credentials come from the environment, with
 * {@link TestServer#ADMIN_TOKEN} as its admin token. Its output is echoed with
 * a {@code [server]} prefix and kept for assertions.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Tidemark listening on .*:(\\d+)$");
    private static final Duration STARTUP = Duration.ofSeconds(60);

    private final Process process;
    private final Path configFile;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();

    private final Thread reader;

    private ServerProcess(Process process, Path configFile) {
        this.process = process;
        this.configFile = configFile;
        this.reader = new Thread(this::readOutput, "server-process-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts a server on a free port over {@code database}, with {@code yaml} as the rest of its config file (any
     * section but {@code http} and {@code database}), and waits until it listens.
     */
    public static ServerProcess start(TestDatabase database, String yaml) {
        ServerProcess server = launch(database, 0, yaml, Map.of());
        server.awaitListening();
        return server;
    }

    /**
     * Launches a server as {@link #start} does but on {@code port}, with {@code env} added to its environment, and
     * does not wait: it may be meant to fail (see {@link #awaitExit}).
     */
    public static ServerProcess launch(TestDatabase database, int port, String yaml, Map<String, String> env) {
        try {
            Path config = Files.createTempFile("tidemark-process", ".yaml");
            Files.writeString(config, """
                    http:
                      host: 127.0.0.1
                      port: %d
                    database:
                      create_database: false
                    """.formatted(port) + yaml);
            return launchWithArguments(database, config, env, "--config", config.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Launches a server with these command-line arguments (say, a {@code --config} that does not exist) over
     * {@code database}, without waiting; {@code configFile}, if not null, is deleted on {@link #close()}.
     */
    public static ServerProcess launchWithArguments(TestDatabase database, Path configFile, Map<String, String> env,
            String... arguments) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("TIDEMARK_CONFIG");
        builder.environment().put("TIDEMARK_DATABASE_URL", database.config().url());
        builder.environment().put("TIDEMARK_DATABASE_USER", database.config().user());
        builder.environment().put("TIDEMARK_DATABASE_PASSWORD", database.config().password());
        // As TestServer: TidemarkClient's metrics() and health() send it; env may set another.
        builder.environment().put("TIDEMARK_ADMIN_TOKEN", TestServer.ADMIN_TOKEN);
        builder.environment().putAll(env);
        try {
            return new ServerProcess(builder.start(), configFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the server listens; fails with its output if it exits or takes too long. */
    public ServerProcess awaitListening() {
        try {
            port.get(STARTUP.toMillis(), TimeUnit.MILLISECONDS);
            return this;
        } catch (ExecutionException | TimeoutException e) {
            close();
            throw new AssertionError("server did not start listening; its output:\n" + String.join("\n", output), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new AssertionError("interrupted while the server started", e);
        }
    }

    public int port() {
        return port.join();
    }

    public TidemarkClient api() {
        return new TidemarkClient("127.0.0.1", port());
    }

    /** Sends SIGTERM, as {@code kill} or a container runtime would. */
    public void terminate() {
        // Not process.destroy(): that also closes our end of the server's output, which would lose its last words.
        process.toHandle().destroy();
    }

    /**
     * Sends SIGKILL, as the OOM killer or a lost machine would (no shutdown hook runs, nothing is drained), and waits
     * for the process to be gone.
     */
    public void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    /**
     * Waits for the process to exit and its output to be read to the end, and returns its exit code; kills it and
     * fails if it does not exit in time.
     */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("server did not exit within " + timeout.toSeconds() + " s; its output:\n"
                        + String.join("\n", output));
            }
            reader.join(TimeUnit.SECONDS.toMillis(10));
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the server to exit", e);
        }
    }

    /** Every line the server printed so far. */
    public List<String> output() {
        return List.copyOf(output);
    }

    @Override
    public void close() {
        if (process.isAlive()) process.destroyForcibly();
        try {
            if (configFile != null) Files.deleteIfExists(configFile);
        } catch (IOException ignored) {
            // a temp file
        }
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                output.add(line);
                System.out.println("[server] " + line);
                Matcher m = LISTENING.matcher(line);
                if (m.find()) port.complete(Integer.parseInt(m.group(1)));
            }
        } catch (IOException ignored) {
            // the process is gone
        } finally {
            port.completeExceptionally(new IllegalStateException("server exited with its output closed"));
        }
    }
}
