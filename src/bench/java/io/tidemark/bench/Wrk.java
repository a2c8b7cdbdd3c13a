package io.tidemark.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs wrk with {@code bench/wrk/replay.lua} over a file of pre-built requests. wrk (C, epoll, two threads) is the
 * lean closed-loop load generator: each connection sends its next request as soon as the previous one is answered.
 */
final class Wrk {
    /**
     * What wrk measured; latencies in microseconds. "Failed" answers are those with status 400 or above; the
     * answers that were not 2xx, those marked {@code Idempotent-Replayed}, and the requests sent again because a
     * thread had sent all of its share of the file are counted only by {@link #runCountingAnswers} (-1 otherwise).
     */
    record Result(long requests, long durationMicros, long failedAnswers, long socketErrors, long p50Micros,
            long p99Micros, long maxMicros, long non2xxAnswers, long replayedAnswers, long resentRequests) {
        long answeredOk() {
            return requests - failedAnswers;
        }

        double okPerSecond() {
            return answeredOk() / (durationMicros / 1e6);
        }
    }

    private static final Pattern RESULT = Pattern.compile("WRK_RESULT (\\{.*})");
    private static final Pattern ANSWERS = Pattern.compile("WRK_ANSWERS (\\{.*})");

    private final BenchSettings settings;

    Wrk(BenchSettings settings) {
        this.settings = settings;
    }

    static String version() {
        try {
            Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            Matcher m = Pattern.compile("wrk (\\S+)").matcher(out);
            return m.find() ? m.group(1) : "unknown";
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * @param pid set to wrk's pid while it runs (for the CPU sampler)
     */
    Result run(int port, Path requests, int connections, int seconds, AtomicLong pid)
            throws IOException, InterruptedException {
        return run(port, requests, connections, seconds, pid, settings.replayScript());
    }

    /** Like {@link #run}, with {@code bench/wrk/replay_answers.lua}: also counts non-2xx and replayed answers. */
    Result runCountingAnswers(int port, Path requests, int connections, int seconds, AtomicLong pid)
            throws IOException, InterruptedException {
        return run(port, requests, connections, seconds, pid, settings.replayCountingScript());
    }

    private Result run(int port, Path requests, int connections, int seconds, AtomicLong pid, Path script)
            throws IOException, InterruptedException {
        int threads = Math.min(settings.wrkThreads(), connections);
        List<String> command = List.of("wrk", "-t", Integer.toString(threads), "-c", Integer.toString(connections),
                "-d", seconds + "s", "--timeout", "30s", "-s", script.toString(),
                "http://127.0.0.1:" + port + "/", "--", requests.toString(), Integer.toString(threads));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        pid.set(p.pid());
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
        } finally {
            pid.set(0);
        }
        Matcher m = RESULT.matcher(out);
        if (p.exitValue() != 0 || !m.find()) {
            throw new IOException("wrk failed (exit " + p.exitValue() + "): " + out);
        }
        String json = m.group(1);
        Matcher a = ANSWERS.matcher(out);
        String answers = a.find() ? a.group(1) : null;
        return new Result(field(json, "requests"), field(json, "duration_us"), field(json, "status_errors"),
                field(json, "connect_errors") + field(json, "read_errors") + field(json, "write_errors")
                        + field(json, "timeouts"),
                field(json, "p50_us"), field(json, "p99_us"), field(json, "max_us"),
                answers == null ? -1 : field(answers, "non_2xx"), answers == null ? -1 : field(answers, "replayed"),
                answers == null ? -1 : field(answers, "resent"));
    }

    private static long field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(\\d+)").matcher(json);
        if (!m.find()) throw new IllegalStateException("wrk result has no " + name + ": " + json);
        return Long.parseLong(m.group(1));
    }
}
