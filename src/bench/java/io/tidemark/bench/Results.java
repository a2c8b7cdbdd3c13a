package io.tidemark.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's figures and the Markdown report made of them: machine and versions at the top, the table of
 * medians with ratios taken within each round, the targets, and how to read it. Printed, written to
 * {@code bench/results/<timestamp>.md}, and, for full runs, to {@code bench/LATEST.md}.
 */
final class Results {
    private static final DateTimeFormatter FILE_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    final List<Figure> ceiling;
    /** 2 and 3 with the jobs running and late readings (issue 13's production configuration), and jobs off. */
    final Figure bulk;
    final Figure bulkJobsOff;
    final Figure bulkWithAlerts;
    final Figure small;
    final Figure smallJobsOff;
    final Figure naive;
    final List<Figure> influx;
    /** Job runs during the main server's measurements (its jobs run on their schedules). */
    final JobActivity jobs = new JobActivity();

    private final BenchSettings settings;
    private final Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private final StringBuilder header = new StringBuilder();
    private String machine;
    private boolean influxMissing;
    private String overloadRow;
    private RollupFigures.Outcome rollups;
    private ReadReport reads;
    private MixedReport mixed = new MixedReport(null);
    private RemoteWriteFigures remoteWrite;
    private LineProtocolFigures lineProtocol;
    private FeedFigures feed;
    private LatestFigures latest;
    private String overloadTarget;
    private boolean overloadMet;
    private long checkpointsForced = -1;

    Results(BenchSettings settings) {
        this.settings = settings;
        this.ceiling = settings.ceilingConnections().stream()
                .map(n -> new Figure("1. COPY ceiling, " + n + " connection" + (n == 1 ? "" : "s"), "rows/s")).toList();
        String production = String.format(Locale.ROOT, "jobs running, %.0f%% late readings",
                100 * LiveStamps.LATE_FRACTION);
        this.bulk = new Figure("2. Tidemark bulk: 1000 readings/POST, " + settings.bulkConnections() + " connections, "
                + production, "readings/s");
        this.bulkJobsOff = new Figure("2. the same, jobs off (reference)", "readings/s");
        this.bulkWithAlerts = new Figure("2b. Tidemark bulk with " + Benchmark.ALERT_RULES + " alert rules matching"
                + " every reading (none firing)", "readings/s");
        this.small = new Figure("3. Tidemark small: 1 reading/POST, " + settings.smallConnections() + " connections, "
                + production, "readings/s");
        this.smallJobsOff = new Figure("3. the same, jobs off (reference)", "readings/s");
        this.naive = new Figure("4. Naive: INSERT + commit per reading, " + settings.naiveConnections()
                + " connections", "rows/s");
        this.influx = settings.influxWriters().stream()
                .map(n -> new Figure("5. InfluxDB line protocol, 5000 points/POST, " + n + " writers", "points/s"))
                .toList();
    }

    void header(BenchDatabase database, String wrkVersion, String influxVersion, String victoriaVersion)
            throws IOException, SQLException {
        machine = Machine.describe();
        header.append("machine: ").append(machine).append('\n');
        header.append("load average at start: ").append(Machine.loadAverage()).append('\n');
        header.append("versions: Tidemark ").append(System.getenv().getOrDefault("BENCH_GIT", "?"))
                .append(", Java ").append(System.getProperty("java.runtime.version"))
                .append(", PostgreSQL ").append(database.version())
                .append(", wrk ").append(wrkVersion == null ? "missing" : wrkVersion)
                .append(", InfluxDB ").append(influxVersion == null ? "not installed" : influxVersion)
                .append(", VictoriaMetrics ").append(victoriaVersion == null ? "not installed" : victoriaVersion)
                .append('\n');
        header.append("postgres: ").append(database.relevantSettings()).append('\n');
        header.append("acknowledged when: Tidemark after commit; InfluxDB after the write is in its WAL, fsynced"
                + " (wal-fsync-delay 0s, its default); VictoriaMetrics before its in-memory buffers reach the disk"
                + " (flushed about once a second; no setting of this version answers after a flush or fsync)\n");
        header.append(String.format("run: %d s per figure, median of %d round%s, pool of %,d readings (%d series,"
                        + " timestamps over the past %d days), overload %d s, mixed load %d s, feed %d pairs of %d s"
                        + "%s%s%n",
                settings.seconds(), settings.repeats(), settings.repeats() == 1 ? "" : "s", settings.poolReadings(),
                Workload.SERIES, Workload.SPAN_DAYS, settings.overloadSeconds(), settings.mixedSeconds(),
                settings.feedPairs(), settings.feedSeconds(),
                settings.quick() ? ", QUICK MODE (smoke check only)" : "", settings.serverJvmOptions().isEmpty() ? ""
                        : ", server JVM options " + String.join(" ", settings.serverJvmOptions())));
    }

    String machine() {
        return machine;
    }

    /** Checkpoints PostgreSQL started because WAL reached max_wal_size (besides the benchmark's own). */
    void checkpointsForced(long count) {
        checkpointsForced = count;
    }

    void influxMissing() {
        influxMissing = true;
    }

    void rollups(RollupFigures.Outcome outcome) {
        this.rollups = outcome;
    }

    /** Figures 5b and 5d, when selected. */
    void lineProtocol(LineProtocolFigures figures) {
        this.lineProtocol = figures;
    }

    /** The read figure (issue 13), when it was selected. */
    void reads(ReadReport report) {
        this.reads = report;
    }

    /** Figure 5c, when it was selected. */
    void remoteWrite(RemoteWriteFigures figures) {
        this.remoteWrite = figures;
    }

    /** Figure 2c, when it was selected. */
    void feed(FeedFigures figures) {
        this.feed = figures;
    }

    /** Figure 2d, when it was selected. */
    void latest(LatestFigures figures) {
        this.latest = figures;
    }

    void mixed(MixedFigure.Outcome outcome) {
        this.mixed = new MixedReport(outcome);
    }

    private static String millions(long n) {
        return n >= 1_000_000 ? String.format(Locale.ROOT, "%dM", n / 1_000_000) : String.format(Locale.ROOT, "%,d", n);
    }

    private static String rounds(List<Double> millis) {
        StringBuilder b = new StringBuilder();
        for (double m : millis) b.append(b.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.0f ms", m));
        return b.toString();
    }

    void overload(double offered, PacedLoad.Result r, long peakKib, long rows, CpuSampler.Usage cpu) {
        long lost = Math.max(0, r.acknowledgedReadings() - rows);
        overloadRow = String.format("| 7. Memory: 2x sustainable, %d s, fresh server | peak RSS **%d MB**; offered %s"
                        + " readings/s (sent %d of %d requests); 200: %d, 503: %d, other: %d, no answer: %d;"
                        + " acknowledged %,d, in table %,d, **lost %d** | | | %s | |",
                settings.overloadSeconds(), peakKib / 1024, compact(r.offeredPerSecond() * Workload.BULK_READINGS),
                r.sent(), r.scheduled(), r.ok(), r.unavailable(), r.otherStatus(), r.noAnswer(),
                r.acknowledgedReadings(), rows, lost, cores(cpu));
        overloadMet = peakKib < 512 * 1024 && lost == 0;
        overloadTarget = String.format("%d MB, %d lost (offered %s/s for %s/s wanted)", peakKib / 1024, lost,
                compact(r.offeredPerSecond() * Workload.BULK_READINGS), compact(offered));
    }

    String render() {
        StringBuilder b = new StringBuilder();
        b.append("# Tidemark benchmark, ").append(started).append("\n\n");
        b.append("```\n").append(header);
        if (checkpointsForced >= 0) {
            b.append("postgres checkpoints forced by max_wal_size during the run (cluster-wide): ")
                    .append(checkpointsForced).append('\n');
        }
        b.append("```\n\n");
        b.append("| figure | median | each round | ratio (median of per-round ratios) |"
                + " CPU cores: load gen / server / postgres / other | CPU µs per reading: server / postgres |\n");
        b.append("|---|---|---|---|---|---|\n");
        for (Figure f : ceiling) row(b, f, "");
        Figure ceiling2 = ceiling.get(ceiling.size() - 1);
        Figure influx4 = influx.get(influx.size() - 1);
        String bulkRatio = ratio(bulk, ceiling2, "COPY ceiling (" + settings.ceilingConnections()
                .get(ceiling.size() - 1) + ")");
        if (influx.get(0).measured()) {
            bulkRatio += "; " + format(bulk.ratioToBest(influx.get(0), influx4)) + " of best InfluxDB";
        }
        row(b, bulk, join(bulkRatio, ratio(bulk, bulkJobsOff, "jobs off"), jobs.describe("bulk")));
        if (bulkJobsOff.measured()) row(b, bulkJobsOff, "");
        if (bulkWithAlerts.measured()) row(b, bulkWithAlerts, ratio(bulkWithAlerts, bulk, "bulk without rules"));
        if (feed != null) feed.rows(b);
        if (latest != null) latest.rows(b);
        row(b, small, join(ratio(small, naive, "naive"), ratio(small, smallJobsOff, "jobs off"),
                jobs.describe("small")));
        if (smallJobsOff.measured()) row(b, smallJobsOff, "");
        row(b, naive, "");
        if (influxMissing) {
            b.append("| 5. InfluxDB | not measured: influxd is not installed (`apt-get install influxdb` failed"
                    + " or was skipped) | | | | |\n");
        } else {
            for (Figure f : influx) row(b, f, "");
        }
        if (lineProtocol != null) lineProtocol.rows(b, bulk, small, jobs);
        if (remoteWrite != null) remoteWrite.rows(b, bulk);
        if (rollups == null) {
            b.append("| 6. Rollups | not measured | | | | |\n");
        } else {
            for (RollupFigures.Incremental r : rollups.incremental()) {
                b.append(String.format(Locale.ROOT, "| 6. Rollups: incremental `rollup_1m` run, 1 fresh minute of"
                        + " 100k readings, %s readings in the table | **%.0f ms** | %s | | | |%n",
                        millions(r.history()), r.medianMillis(), rounds(r.runs())));
            }
            b.append(String.format(Locale.ROOT, "| 6. Rollups: recompute one day of `rollup_1m` (%s readings) |"
                    + " **%.0f ms** | | %.2fx of one plain INSERT ... SELECT ... GROUP BY (%.0f ms) | | |%n",
                    millions(rollups.dayReadings()), rollups.backfillMillis(),
                    rollups.backfillMillis() / rollups.plainMillis(), rollups.plainMillis()));
        }
        b.append(overloadRow == null ? "| 7. Memory | not measured | | | | |\n" : overloadRow + "\n");
        mixed.rows(b);
        b.append('\n');
        targets(b, ceiling2, influx4);
        b.append("""

                ### 6. Rollups
                History is loaded with binary COPY over 25 days before yesterday and counts as materialized (the job's \
                watermark is set past it, as after months of running); each incremental run then materializes one \
                fresh minute of 100k readings through the admin API, timed from job_runs. The recompute is a \
                backfill of one whole day through the admin API, against one plain INSERT ... SELECT ... GROUP BY \
                of the same day into a table like rollup_1m.

                ### How to read this
                - Rates count only what was acknowledged: Tidemark and InfluxDB answers of 200/204 (after commit or \
                fsync), rows of committed COPY / INSERT transactions. "failed" counts answers >= 400 and broken \
                connections; "lost" counts acknowledged readings missing from the table (must be 0); "unacked" counts \
                readings stored whose answer was still in flight when the load stopped.
                - Latencies are wrk's (from sending a request to its whole answer), closed loop.
                - CPU is the average number of cores each party used during the steady part of the figure; "other" is \
                everything else on the machine (other workloads: a large value means a disturbed figure). The load \
                generator is wrk for HTTP figures and the benchmark's own JVM for the JDBC ones and the overload.
                - Every measurement starts on an empty `readings` table after a CHECKPOINT; InfluxDB starts empty each \
                time, and so does VictoriaMetrics. All store the same readings: %s.
                """.formatted("1000 series, bulk bodies of 1000 readings as JSON arrays with RFC 3339 timestamps,"
                + " InfluxDB writes of 5000 points with millisecond timestamps; the pool repeats when exhausted;"
                + " timestamps over the past " + Workload.SPAN_DAYS + " days for figures 1, 2b, 2c, 4, 5 and 7,"
                + " and stamped as they are sent for the production figures (below)"));
        b.append(productionNotes());
        if (lineProtocol != null) b.append(lineProtocol.notes());
        if (remoteWrite != null) b.append(remoteWrite.notes());
        if (feed != null) b.append(feed.notes());
        if (latest != null) b.append(latest.notes());
        b.append(mixed.notes());
        if (reads != null) b.append(reads.render());
        return b.toString();
    }

    private void targets(StringBuilder b, Figure ceiling2, Figure influx4) {
        b.append("### Targets (issue 4)\n\n| target | measured | met |\n|---|---|---|\n");
        double vsInflux = bulk.measured() && influx.get(0).measured() ? bulk.ratioToBest(influx.get(0), influx4)
                : Double.NaN;
        target(b, "bulk >= 1.0x InfluxDB", format(vsInflux), vsInflux >= 1.0);
        double vsCeiling = bulk.measured() && ceiling2.measured() ? bulk.ratioTo(ceiling2) : Double.NaN;
        target(b, "bulk >= 40% of the 2-connection COPY ceiling", String.format(Locale.ROOT, "%.0f%%",
                100 * vsCeiling), vsCeiling >= 0.4);
        double vsNaive = small.measured() && naive.measured() ? small.ratioTo(naive) : Double.NaN;
        target(b, "small >= 3x naive", format(vsNaive), vsNaive >= 3);
        double p99 = small.measured() ? small.median(Figure.Run::p99Millis) : Double.NaN;
        target(b, "small p99 < 25 ms", String.format(Locale.ROOT, "%.1f ms", p99), p99 < 25);
        if (bulkWithAlerts.measured() && bulk.measured()) {
            double kept = bulkWithAlerts.ratioTo(bulk);
            target(b, Benchmark.ALERT_RULES + " alert rules cost at most 10% of bulk throughput (issue 5)",
                    String.format(Locale.ROOT, "%.0f%% kept", 100 * kept), kept >= 0.9);
        }
        if (feed != null) feed.targets(b);
        if (latest != null) latest.targets(b);
        if (rollups == null || rollups.incremental().size() < 2) {
            b.append("| rollup 100M/10M <= 1.3 | not measured | ? |\n");
        } else {
            List<RollupFigures.Incremental> r = rollups.incremental();
            double ratio = r.get(r.size() - 1).medianMillis() / r.get(0).medianMillis();
            target(b, "rollup " + millions(r.get(r.size() - 1).history()) + "/" + millions(r.get(0).history())
                    + " <= 1.3", String.format(Locale.ROOT, "%.2f", ratio), ratio <= 1.3);
        }
        if (overloadTarget != null) {
            target(b, "peak RSS < 512 MB at 2x sustainable, nothing acknowledged lost", overloadTarget, overloadMet);
        } else {
            b.append("| peak RSS < 512 MB at 2x sustainable, nothing acknowledged lost | not measured | ? |\n");
        }
        mixed.targets(b);
        double bulkVsCeiling = bulk.measured() && ceiling2.measured() ? bulk.ratioTo(ceiling2) : Double.NaN;
        target(b, "bulk, jobs running, >= 0.6x the 2-connection COPY ceiling (issue 13)", format(bulkVsCeiling),
                bulkVsCeiling >= 0.6);
        if (lineProtocol != null) lineProtocol.targets(b, small);
        long lost = bulk.totalLost() + bulkJobsOff.totalLost() + small.totalLost() + smallJobsOff.totalLost()
                + (lineProtocol == null ? 0 : lineProtocol.lost()) + (remoteWrite == null ? 0 : remoteWrite.lost());
        target(b, "bulk, small, line protocol and remote write figures: no acknowledged reading lost", lost + " lost",
                lost == 0);
    }

    static void target(StringBuilder b, String what, String measured, boolean met) {
        boolean unknown = measured.contains("NaN");
        b.append("| ").append(what).append(" | ").append(unknown ? "not measured" : measured).append(" | ")
                .append(unknown ? "?" : met ? "yes" : "**no**").append(" |\n");
    }

    static void row(StringBuilder b, Figure f, String ratio) {
        if (!f.measured()) {
            b.append("| ").append(f.title).append(" | not measured | | | | |\n");
            return;
        }
        StringBuilder median = new StringBuilder("**" + compact(f.rate()) + "** " + f.unit);
        if (!Double.isNaN(f.median(Figure.Run::p50Millis))) {
            median.append(String.format(Locale.ROOT, "; p50 %.1f ms, p99 %.1f ms, max %.0f ms",
                    f.median(Figure.Run::p50Millis), f.median(Figure.Run::p99Millis),
                    f.median(Figure.Run::maxMillis)));
        }
        if (!Double.isNaN(f.median(Figure.Run::p50Millis)) && f.unit.equals("readings/s")) {
            median.append(String.format("; failed %d, lost %d, unacked %d", f.totalFailed(), f.totalLost(),
                    f.runs.stream().mapToLong(Figure.Run::unacknowledgedStored).sum()));
        } else if (f.totalFailed() > 0) {
            median.append("; failed ").append(f.totalFailed());
        }
        StringBuilder each = new StringBuilder();
        for (Figure.Run r : f.runs) each.append(each.length() == 0 ? "" : " ").append(compact(r.rate()));
        CpuSampler.Usage cpu = new CpuSampler.Usage(f.median(r -> r.cpu().loadGenerator()),
                f.median(r -> r.cpu().server()), f.median(r -> r.cpu().postgres()), f.median(r -> r.cpu().other()),
                f.median(r -> r.cpu().machineBusy()), f.median(r -> r.cpu().window()));
        b.append("| ").append(f.title).append(" | ").append(median).append(" | ").append(each).append(" | ")
                .append(ratio).append(" | ").append(cores(cpu)).append(" | ")
                .append(String.format(Locale.ROOT, "%.2f / %.2f", f.median(r -> r.cpu().server() * 1e6 / r.rate()),
                        f.median(r -> r.cpu().postgres() * 1e6 / r.rate()))).append(" |\n");
    }

    /** The non-empty parts, joined by "; ". */
    static String join(String... parts) {
        StringBuilder b = new StringBuilder();
        for (String p : parts) {
            if (p.isEmpty()) continue;
            b.append(b.length() == 0 ? "" : "; ").append(p);
        }
        return b.toString();
    }

    /** What issue 13's production configuration means for figures 2, 3, 5b, 5c and 5d. */
    private static String productionNotes() {
        return """
                - Production configuration (issue 13): figures 2, 3, 5b, 5c and 5d run against the main server \
                with the shipped jobs (`jobs/`) running on their schedules (`rollup_1m` every minute, `rollup_1h` \
                and `silent_sensors` every 5 minutes, `rollup_1d` hourly; the figures start once `rollup_1m` has \
                caught up with the clock), and their files are made of the pool stamped anew just before each \
                measurement: %.0f%% of readings late, %d min to %d h behind (behind `rollup_1m`'s watermark, so \
                they make its minutes dirty to recompute), the rest fresh, from %d s after the stamping on over a \
                figure's length (ahead of the watermark throughout). "job runs in its windows" counts the runs \
                that overlapped the figure's measurements: in a 10 s window `rollup_1m` runs about one time in \
                six. The jobs-off rows are the same loads, freshly stamped, against a second server with \
                `jobs.enabled: false` on a database of its own (so the first's jobs never see its readings), \
                measured in the same rounds, jobs on and off in turns, the order alternating by round. The JDBC \
                figures (1, 4) use that database and the pool's past days, as before.
                """.formatted(100 * LiveStamps.LATE_FRACTION, LiveStamps.MIN_LATENESS_MILLIS / 60_000,
                LiveStamps.MAX_LATENESS_MILLIS / 3_600_000, LiveStamps.LEAD_MILLIS / 1000);
    }

    /** "0.97x of {@code name}": the median of per-pair (or per-round) ratios; empty unless both were measured. */
    static String ratio(Figure f, Figure to, String name) {
        if (!f.measured() || !to.measured()) return "";
        return format(f.ratioTo(to)) + " of " + name;
    }

    static String format(double ratio) {
        return String.format(Locale.ROOT, "%.2fx", ratio);
    }

    static String cores(CpuSampler.Usage u) {
        return String.format(Locale.ROOT, "%.2f / %.2f / %.2f / %.2f", u.loadGenerator(), u.server(), u.postgres(),
                u.other());
    }

    /** 1234567 -> "1.23M", 61234 -> "61.2k". */
    static String compact(double v) {
        if (v >= 1e6) return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        if (v >= 1e4) return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        return String.format(Locale.ROOT, "%.0f", v);
    }

    /** Prints the report and writes it to bench/results, and to bench/LATEST.md for a full run of every figure. */
    void write() throws IOException {
        String report = render();
        System.out.println(report);
        Files.createDirectories(settings.resultsDir());
        Path file = settings.resultsDir().resolve(FILE_TIME.format(started) + (settings.quick() ? "-quick" : "")
                + ".md");
        Files.writeString(file, report, StandardCharsets.UTF_8);
        Benchmark.log("results written to " + settings.root().relativize(file));
        if (!settings.quick() && settings.figures().size() == BenchSettings.FIGURES.size()) {
            Files.writeString(settings.root().resolve("bench/LATEST.md"), report, StandardCharsets.UTF_8);
            Benchmark.log("and to bench/LATEST.md");
        }
    }
}
