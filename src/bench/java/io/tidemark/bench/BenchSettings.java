package io.tidemark.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one benchmark run does, from the command line and BENCH_* environment variables (documented in
 * {@code bench/run}). {@code --quick} is a smoke check: short figures, one repetition, a small pool of readings.
 */
record BenchSettings(
        boolean quick,
        boolean profile,
        int seconds,
        int repeats,
        int overloadSeconds,
        int mixedSeconds,
        int feedPairs,
        int feedSeconds,
        int latestPairs,
        int poolReadings,
        int remoteWriteBodies,
        int bulkConnections,
        int smallConnections,
        int naiveConnections,
        int overloadConnections,
        int overloadRate,
        List<Integer> ceilingConnections,
        List<Integer> influxWriters,
        int wrkThreads,
        String postgresUrl,
        String database,
        String java,
        List<String> serverJvmOptions,
        Path serverConfig,
        Path root,
        boolean keepDatabase,
        Set<String> figures) {
    /** The figure names BENCH_FIGURES may list. */
    static final List<String> FIGURES = List.of("ceiling", "bulk", "alerts", "feed", "latest", "small", "naive",
            "influx", "lineprotocol", "remotewrite", "overload", "mixed", "rollups", "reads");

    /**
     * Distinct remote-write bodies per second of a figure, by default: 10,000 bodies of 500 samples, 5M samples/s,
     * more than VictoriaMetrics stores on 2 cores (up to 2.9M here), so that no body is sent twice within a figure
     * (it costs 78 MB of request file per second of a figure).
     */
    static final int REMOTE_WRITE_BODIES_PER_SECOND = 10_000;

    static BenchSettings from(String[] args, Map<String, String> env) {
        boolean quick = false;
        boolean profile = false;
        for (String arg : args) {
            switch (arg) {
                case "--quick" -> quick = true;
                case "--profile" -> profile = true;
                default -> throw new IllegalArgumentException("unknown argument " + arg
                        + "; usage: bench/run [--quick] [--profile]");
            }
        }
        int seconds = number(env, "BENCH_SECONDS", quick ? 3 : 10);
        String serverConfig = env.get("BENCH_SERVER_CONFIG");
        String jvmOptions = env.getOrDefault("BENCH_SERVER_JAVA_OPTS", "-Xmx256m").trim();
        return new BenchSettings(quick, profile,
                seconds,
                number(env, "BENCH_REPEATS", quick ? 1 : 3),
                number(env, "BENCH_OVERLOAD_SECONDS", quick ? 5 : 30),
                number(env, "BENCH_MIXED_SECONDS", quick ? 20 : 60),
                number(env, "BENCH_FEED_PAIRS", quick ? 2 : 6),
                // 24 measurements: 8 s each keeps the figure near 5 minutes.
                number(env, "BENCH_FEED_SECONDS", quick ? seconds : 8),
                number(env, "BENCH_LATEST_PAIRS", quick ? 2 : 8),
                number(env, "BENCH_POOL_READINGS", quick ? 200_000 : 1_000_000),
                number(env, "BENCH_REMOTE_WRITE_BODIES", seconds * REMOTE_WRITE_BODIES_PER_SECOND),
                number(env, "BENCH_BULK_CONNECTIONS", 64),
                number(env, "BENCH_SMALL_CONNECTIONS", 64),
                number(env, "BENCH_NAIVE_CONNECTIONS", 32),
                number(env, "BENCH_OVERLOAD_CONNECTIONS", 768),
                env.containsKey("BENCH_OVERLOAD_RATE") ? number(env, "BENCH_OVERLOAD_RATE", 1) : 0,
                List.of(1, 2),
                List.of(2, 4),
                number(env, "BENCH_WRK_THREADS", Math.max(1, Runtime.getRuntime().availableProcessors())),
                env.getOrDefault("BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/"),
                env.getOrDefault("BENCH_DATABASE", "tidemark_bench"),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                jvmOptions.isEmpty() ? List.of() : Arrays.asList(jvmOptions.split("\\s+")),
                serverConfig == null || serverConfig.isBlank() ? null : Path.of(serverConfig).toAbsolutePath(),
                Path.of(env.getOrDefault("BENCH_ROOT", ".")).toAbsolutePath().normalize(),
                "1".equals(env.get("BENCH_KEEP_DB")),
                figures(env.getOrDefault("BENCH_FIGURES", "")));
    }

    private static Set<String> figures(String list) {
        if (list.isBlank()) return Set.copyOf(FIGURES);
        Set<String> chosen = new HashSet<>();
        for (String f : list.split(",")) {
            String name = f.trim();
            if (!FIGURES.contains(name)) {
                throw new IllegalArgumentException("BENCH_FIGURES: unknown figure '" + name + "'; known: " + FIGURES);
            }
            chosen.add(name);
        }
        return chosen;
    }

    boolean runs(String figure) {
        return figures.contains(figure);
    }

    private static int number(Map<String, String> env, String name, int fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) return fallback;
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 1) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a positive whole number, not '" + v + "'");
        }
    }

    /** These settings with another database, for a server or a figure that needs a database of its own. */
    BenchSettings withDatabase(String name) {
        return new BenchSettings(quick, profile, seconds, repeats, overloadSeconds, mixedSeconds, feedPairs,
                feedSeconds, latestPairs, poolReadings, remoteWriteBodies, bulkConnections, smallConnections,
                naiveConnections, overloadConnections, overloadRate, ceilingConnections, influxWriters, wrkThreads,
                postgresUrl, name, java, serverJvmOptions, serverConfig, root, keepDatabase, figures);
    }

    String databaseUrl() {
        return postgresUrl + database;
    }

    String adminUrl() {
        return postgresUrl + "postgres";
    }

    Path serverJar() {
        return root.resolve("target/tidemark.jar");
    }

    Path replayScript() {
        return root.resolve("bench/wrk/replay.lua");
    }

    /** replay.lua that also counts non-2xx and replayed answers. */
    Path replayCountingScript() {
        return root.resolve("bench/wrk/replay_answers.lua");
    }

    Path resultsDir() {
        return root.resolve("bench/results");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
