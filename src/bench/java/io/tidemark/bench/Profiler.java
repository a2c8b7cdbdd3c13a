package io.tidemark.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * {@code bench/run --profile}: records the server with JDK Flight Recorder (profile settings) under the bulk and the
 * small-request loads, one recording each, and summarizes where the CPU samples and the allocations fall. Recordings
 * and summaries go to {@code bench/results/profile-<timestamp>/}; open the .jfr files in JDK Mission Control, or
 * {@code jfr print --events jdk.ExecutionSample}, for more.
 */
final class Profiler {
    private static final int TOP = 30;

    private Profiler() {}

    static void run(BenchSettings settings, Path work, BenchDatabase database, Path bulkFile, Path smallFile)
            throws Exception {
        Path out = settings.resultsDir().resolve("profile-"
                + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now()));
        Files.createDirectories(out);
        try (TidemarkServer server = TidemarkServer.start(settings, work, "profile", List.of())) {
            Benchmark.warmUp(settings, server, bulkFile, smallFile);
            record(settings, database, server, "bulk", bulkFile, settings.bulkConnections(), out);
            record(settings, database, server, "small", smallFile, settings.smallConnections(), out);
        }
        Benchmark.log("profiles written to " + settings.root().relativize(out));
    }

    private static void record(BenchSettings settings, BenchDatabase database, TidemarkServer server, String name,
            Path requests, int connections, Path out) throws Exception {
        database.reset();
        Path jfr = out.resolve(name + ".jfr");
        jcmd(server.pid(), "JFR.start", "name=" + name, "settings=profile");
        Wrk.Result r = new Wrk(settings).run(server.port(), requests, connections, settings.seconds(),
                new AtomicLong());
        jcmd(server.pid(), "JFR.stop", "name=" + name, "filename=" + jfr);
        Benchmark.awaitQueueEmpty(server);
        String summary = String.format(Locale.ROOT, "%s: %d requests answered OK in %.1f s (%.0f/s), p99 %.1f ms%n%n",
                name, r.answeredOk(), r.durationMicros() / 1e6, r.okPerSecond(), r.p99Micros() / 1000.0)
                + summarize(jfr);
        Files.writeString(out.resolve(name + ".txt"), summary, StandardCharsets.UTF_8);
        System.out.println(summary);
    }

    private static void jcmd(long pid, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("jcmd", Long.toString(pid)));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException("jcmd " + String.join(" ", args) + " failed: " + output);
    }

    /** Top methods by CPU samples (self and total), by thread, and by allocated bytes. */
    static String summarize(Path jfr) throws IOException {
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> total = new HashMap<>();
        Map<String, Long> threads = new HashMap<>();
        Map<String, Long> allocations = new HashMap<>();
        long samples = 0;
        long allocated = 0;
        long gcPauseNanos = 0;
        long gcs = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            String type = e.getEventType().getName();
            if (type.equals("jdk.ExecutionSample")) {
                RecordedStackTrace stack = e.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) continue;
                samples++;
                List<RecordedFrame> frames = stack.getFrames();
                self.merge(method(frames.get(0)), 1L, Long::sum);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame f : frames) {
                    if (seen.add(method(f))) total.merge(method(f), 1L, Long::sum);
                }
                threads.merge(e.getThread("sampledThread").getJavaName().replaceAll("[-#]?\\d+$", "-N"), 1L,
                        Long::sum);
            } else if (type.equals("jdk.ObjectAllocationSample")) {
                long weight = e.getLong("weight");
                allocated += weight;
                RecordedStackTrace stack = e.getStackTrace();
                String where = stack == null ? "?" : firstOwnFrame(stack.getFrames());
                allocations.merge(e.getClass("objectClass").getName() + " in " + where, weight, Long::sum);
            } else if (type.equals("jdk.GarbageCollection")) {
                gcs++;
                gcPauseNanos += e.getDuration("sumOfPauses").toNanos();
            }
        }
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%d CPU samples; %d GCs, %.0f ms paused; ~%.0f MB allocated (sampled)%n",
                samples, gcs, gcPauseNanos / 1e6, allocated / 1e6));
        table(b, "samples by thread", threads, samples);
        table(b, "top frames (self)", self, samples);
        table(b, "top methods (self + callees)", total, samples);
        table(b, "top allocations (bytes, class in first Tidemark or Jetty frame)", allocations, allocated);
        return b.toString();
    }

    private static String method(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    /** The allocating frame the reader can act on: the first in Tidemark, else the top one. */
    private static String firstOwnFrame(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            if (f.getMethod().getType().getName().startsWith("io.tidemark")) return method(f);
        }
        return frames.isEmpty() ? "?" : method(frames.get(0));
    }

    private static void table(StringBuilder b, String title, Map<String, Long> counts, long all) {
        b.append("\n").append(title).append(":\n");
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(TOP)
                .forEach(e -> b.append(String.format(Locale.ROOT, "  %5.1f%%  %s%n", 100.0 * e.getValue() / all,
                        e.getKey())));
    }
}
