package io.tidemark.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What this machine is (cores, CPU model, memory, kernel), from /proc, for the top of the report. */
final class Machine {
    private Machine() {}

    static String describe() throws IOException {
        String model = "unknown CPU";
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                model = line.substring(line.indexOf(':') + 1).trim().replaceAll("\\s+", " ");
                break;
            }
        }
        long memKib = 0;
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) memKib = Long.parseLong(line.replaceAll("\\D", ""));
        }
        String kernel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        return String.format(Locale.ROOT, "%d cores (%s), %.1f GiB memory, Linux %s",
                Runtime.getRuntime().availableProcessors(), model, memKib / 1024.0 / 1024.0, kernel);
    }

    static String loadAverage() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
        return f[0] + " " + f[1] + " " + f[2] + " (1, 5, 15 min)";
    }
}
