package io.tidemark.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tidemark.config.DatabaseConfig;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.ingest.format.JsonReadingFormat;
import io.tidemark.ingest.format.ParsedReadings;
import io.tidemark.ingest.format.ReadingFormat;
import io.tidemark.ingest.format.TimeWindow;
import io.tidemark.storage.Database;
import io.tidemark.storage.ReadingsCopyEncoder;
import io.tidemark.storage.SeriesRegistry;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Locale;
import org.postgresql.copy.CopyIn;

/**
 * CPU cost per reading of each step of the server's hot path, one thread, no HTTP: parse and validate, resolve
 * series (cache hits), encode for COPY. A development tool for the changes recorded in bench/PROFILE.md, not a test:
 *
 * <pre>
 * java -cp target/test-classes:target/tidemark.jar io.tidemark.bench.IngestMicrobench [seconds-per-trial] [parse]
 * </pre>
 *
 * <p>It counts the thread's CPU time, not wall time, and reports the best of several trials: on a shared machine
 * other processes delay a thread but rarely make it execute more. Needs PostgreSQL on 127.0.0.1:5432 for the series
 * step (a scratch database, dropped after).
 */
public final class IngestMicrobench {
    private static final int TRIALS = 7;
    private static final String DB = "tidemark_microbench";

    private IngestMicrobench() {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        Instant now = Instant.now();
        TimeWindow window = TimeWindow.at(now, TidemarkConfig.defaults().ingest());
        byte[] bulk = bulkBody(now);
        byte[] single = bulkReading(now, 7).getBytes(StandardCharsets.UTF_8);
        ReadingFormat parser = new JsonReadingFormat(JsonReadingFormat.Layout.DOCUMENT);

        report("parse, 1000-reading JSON array", 1000, seconds,
                () -> parser.parse(new ByteArrayInputStream(bulk), window).count());
        report("parse, 1-reading JSON object", 1, seconds,
                () -> parser.parse(new ByteArrayInputStream(single), window).count());
        if (args.length > 1 && args[1].equals("parse")) return;

        ParsedReadings parsed = parser.parse(new ByteArrayInputStream(bulk), window);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", null);
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
        }
        try (Database database = Database.open(new DatabaseConfig("jdbc:postgresql://127.0.0.1:5432/" + DB,
                "postgres", null, 2, null, true), new SimpleMeterRegistry())) {
            SeriesRegistry series = new SeriesRegistry(database.jdbi(), 100_000,
                    new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
            series.resolve(parsed.sensors(), parsed.metrics(), parsed.tags(), parsed.count(),
                    SeriesRegistry.NewSeriesGate.OPEN);
            report("series resolve, 1000 cached (fresh strings)", 1000, seconds, () -> {
                ParsedReadings p = parser.parse(new ByteArrayInputStream(bulk), window);
                long start = THREADS.getCurrentThreadCpuTime();
                int n = series.resolve(p.sensors(), p.metrics(), p.tags(), p.count(),
                        SeriesRegistry.NewSeriesGate.OPEN).length;
                excluded += THREADS.getCurrentThreadCpuTime() - start;
                return n;
            });
        } finally {
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres",
                    null); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
            }
        }

        int[] ids = new int[parsed.count()];
        ReadingsCopyEncoder encoder = new ReadingsCopyEncoder();
        report("COPY encode, 1000 readings", 1000, seconds, () -> {
            encoder.begin(DISCARD);
            encoder.write(ids, parsed.timestamps(), parsed.values(), parsed.count());
            encoder.end();
            return parsed.count();
        });
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** HotSpot's extension: bytes this thread allocated (the whole iteration, even for steps that exclude time). */
    private static final com.sun.management.ThreadMXBean ALLOCATIONS = (com.sun.management.ThreadMXBean) THREADS;
    /** CPU time a step asks to count alone: when set, only it is reported instead of the whole iteration. */
    private static long excluded;

    private interface Step {
        int run() throws Exception;
    }

    private static void report(String name, int readingsPerCall, double seconds, Step step) throws Exception {
        for (long end = System.nanoTime() + 2_000_000_000L; System.nanoTime() < end; ) step.run(); // JIT warm-up
        double[] nanosPerReading = new double[TRIALS];
        long allocatedBefore = ALLOCATIONS.getCurrentThreadAllocatedBytes();
        long readings = 0;
        for (int t = 0; t < TRIALS; t++) {
            excluded = 0;
            long calls = 0;
            long sink = 0;
            long cpuStart = THREADS.getCurrentThreadCpuTime();
            for (long end = System.nanoTime() + (long) (seconds * 1e9); System.nanoTime() < end; calls++) {
                sink += step.run();
            }
            long cpu = excluded > 0 ? excluded : THREADS.getCurrentThreadCpuTime() - cpuStart;
            if (sink == 42) System.out.print(""); // keep the result alive
            nanosPerReading[t] = (double) cpu / (calls * readingsPerCall);
            readings += calls * readingsPerCall;
        }
        double bytesPerReading = (double) (ALLOCATIONS.getCurrentThreadAllocatedBytes() - allocatedBefore) / readings;
        Arrays.sort(nanosPerReading);
        System.out.printf(Locale.ROOT, "%-48s best %8.1f ns/reading   median %8.1f   allocated %6.0f B/reading%n",
                name, nanosPerReading[0], nanosPerReading[TRIALS / 2], bytesPerReading);
    }

    private static byte[] bulkBody(Instant now) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < 1000; i++) b.append(i == 0 ? "" : ",").append(bulkReading(now, i));
        return b.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A reading as the benchmark's workload writes it: 250 sensors x 4 metrics, RFC 3339 with milliseconds. */
    private static String bulkReading(Instant now, int i) {
        String[] metrics = {"temperature", "humidity", "pressure", "voltage"};
        Instant ts = now.minus(1, ChronoUnit.DAYS).plusMillis(i * 7L);
        return String.format(Locale.ROOT, "{\"sensor\":\"sensor-%04d\",\"metric\":\"%s\",\"ts\":\"%s\",\"value\":%.2f}",
                i / 4 % 250, metrics[i % 4], ts.truncatedTo(ChronoUnit.MILLIS), 15 + (i % 1000) * 0.37);
    }

    /** A COPY target that drops the bytes: measures the encoder alone. */
    private static final CopyIn DISCARD = new CopyIn() {
        private long rows;

        @Override
        public void writeToCopy(byte[] buf, int off, int siz) {}

        @Override
        public void writeToCopy(org.postgresql.util.ByteStreamWriter from) {}

        @Override
        public void flushCopy() {}

        @Override
        public long endCopy() {
            return rows;
        }

        @Override
        public int getFieldCount() {
            return 3;
        }

        @Override
        public int getFormat() {
            return 1;
        }

        @Override
        public int getFieldFormat(int field) {
            return 1;
        }

        @Override
        public boolean isActive() {
            return true;
        }

        @Override
        public void cancelCopy() {}

        @Override
        public long getHandledRowCount() {
            return rows;
        }
    };
}
