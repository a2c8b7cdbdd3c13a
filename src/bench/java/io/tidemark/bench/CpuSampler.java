package io.tidemark.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Samples, every {@link #INTERVAL_MILLIS}, the CPU time of the machine and of the processes taking part in one
 * measurement (load generator, server, PostgreSQL), and reports their average use in cores over a steady window:
 * the first second (start-up, file loading) and the last half second (wind-down) are left out.
 *
 * <p>"other" is the machine's busy time minus the three: on a shared machine it says how much the figures were
 * disturbed. Reads {@code /proc}; Linux only. Times are in clock ticks of 1/100 s (USER_HZ, 100 on every Linux
 * architecture Java runs on).
 */
final class CpuSampler implements AutoCloseable {
    static final long INTERVAL_MILLIS = 200;
    private static final double TICKS_PER_SECOND = 100;

    /** Average cores used over the window; {@code window} in seconds. */
    record Usage(double loadGenerator, double server, double postgres, double other, double machineBusy,
            double window) {
        static final Usage NONE = new Usage(0, 0, 0, 0, 0, 0);
    }

    private record Sample(long nanos, long machineBusy, long loadGenerator, long server, long postgres) {}

    private final LongSupplier loadGeneratorPid;
    private final long serverPid;
    private final String databaseName;
    private final Thread thread;
    private final java.util.List<Sample> samples = new java.util.ArrayList<>();
    /** Per PostgreSQL pid: its CPU ticks when first seen, so processes that start mid-run count from then. */
    private final Map<Long, Long> postgresBase = new HashMap<>();
    private final Map<Long, Long> postgresLast = new HashMap<>();
    private volatile boolean running = true;

    /**
     * @param loadGeneratorPid the load generator's pid, or 0 while there is none yet
     * @param serverPid the server under test, or 0 for none
     * @param databaseName PostgreSQL backends connected to this database count as "postgres", with the cluster's
     *     WAL writer, checkpointer and background writer
     */
    CpuSampler(LongSupplier loadGeneratorPid, long serverPid, String databaseName) {
        this.loadGeneratorPid = loadGeneratorPid;
        this.serverPid = serverPid;
        this.databaseName = databaseName;
        this.thread = new Thread(this::run, "bench-cpu-sampler");
        this.thread.setDaemon(true);
        sample();
        thread.start();
    }

    private void run() {
        while (running) {
            try {
                Thread.sleep(INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            sample();
        }
    }

    private synchronized void sample() {
        long lg = loadGeneratorPid.getAsLong();
        samples.add(new Sample(System.nanoTime(), machineBusyTicks(), lg == 0 ? 0 : processTicks(lg),
                serverPid == 0 ? 0 : processTicks(serverPid), postgresTicks()));
    }

    /** Stops sampling and returns the average use over the steady window. */
    synchronized Usage stop() {
        running = false;
        thread.interrupt();
        sample();
        if (samples.size() < 3) return Usage.NONE;
        Sample first = samples.get(0);
        Sample last = samples.get(samples.size() - 1);
        double total = (last.nanos - first.nanos) / 1e9;
        Sample from = first;
        Sample to = last;
        if (total > 3) {
            for (Sample s : samples) {
                if (s.nanos - first.nanos >= 1e9) {
                    from = s;
                    break;
                }
            }
            for (int i = samples.size() - 1; i >= 0; i--) {
                if (last.nanos - samples.get(i).nanos >= 0.5e9) {
                    to = samples.get(i);
                    break;
                }
            }
        }
        double seconds = (to.nanos - from.nanos) / 1e9;
        if (seconds <= 0) return Usage.NONE;
        double lg = cores(to.loadGenerator - from.loadGenerator, seconds);
        double server = cores(to.server - from.server, seconds);
        double pg = cores(to.postgres - from.postgres, seconds);
        double busy = cores(to.machineBusy - from.machineBusy, seconds);
        return new Usage(lg, server, pg, Math.max(0, busy - lg - server - pg), busy, seconds);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }

    private static double cores(long ticks, double seconds) {
        return Math.max(0, ticks) / TICKS_PER_SECOND / seconds;
    }

    /** Ticks the machine spent busy (user, nice, system, irq, softirq, steal): the first line of /proc/stat. */
    static long machineBusyTicks() {
        String[] f = read(Path.of("/proc/stat")).split("\n", 2)[0].trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i < f.length && i <= 8; i++) {
            if (i != 4 && i != 5) busy += Long.parseLong(f[i]); // 4 idle, 5 iowait
        }
        return busy;
    }

    /** User + system ticks of one process including its reaped children, or 0 if it is gone. */
    static long processTicks(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        if (stat.isEmpty()) return 0;
        // The command name (field 2) may contain spaces; the fields after its closing parenthesis are fixed.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }

    /** Sum of the CPU used since first seen by the PostgreSQL processes that work for this measurement. */
    private long postgresTicks() {
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> isNumber(p.getFileName()
                .toString()))) {
            for (Path proc : procs) {
                String cmd = read(proc.resolve("cmdline")).replace('\0', ' ');
                if (!cmd.startsWith("postgres: ")) continue;
                boolean ours = cmd.contains(" " + databaseName + " ") || cmd.endsWith(": walwriter ")
                        || cmd.endsWith(": checkpointer ") || cmd.endsWith(": background writer ");
                if (!ours) continue;
                long pid = Long.parseLong(proc.getFileName().toString());
                long ticks = processTicks(pid);
                postgresBase.putIfAbsent(pid, ticks);
                postgresLast.put(pid, ticks);
            }
        } catch (IOException e) {
            return 0;
        }
        long sum = 0;
        for (var e : postgresLast.entrySet()) sum += e.getValue() - postgresBase.get(e.getKey());
        return sum;
    }

    /** Peak resident set size of a process in KiB ({@code VmHWM}), or 0 if it is gone. */
    static long peakRssKib(long pid) {
        return statusField(pid, "VmHWM:");
    }

    /** Current resident set size of a process in KiB, or 0 if it is gone. */
    static long rssKib(long pid) {
        return statusField(pid, "VmRSS:");
    }

    private static long statusField(long pid, String field) {
        for (String line : read(Path.of("/proc", Long.toString(pid), "status")).split("\n")) {
            if (line.startsWith(field)) return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
        }
        return 0;
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) return false;
        }
        return true;
    }

    private static String read(Path p) {
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return ""; // the process ended between listing and reading
        }
    }
}
