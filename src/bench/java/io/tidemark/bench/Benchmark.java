package io.tidemark.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The benchmark of issue 4 as one program: Tidemark against the COPY ceiling, a naive client and InfluxDB, on this
 * machine, in one run, against a fresh database. {@code bench/run} builds the project and starts it.
 *
 * <p>Figures are measured round-robin (every figure once, then again), so slow drift of a shared machine hits them
 * alike, and each ratio is taken within one round before the median is. Every measurement starts from an empty
 * {@code readings} table right after a checkpoint.
 */
public final class Benchmark {
    private static final Pattern QUEUED = Pattern.compile("\"readings\":(\\d+)");
    private static final int SMALL_REQUEST_POOL = 20_000;
    /** The figures measured round-robin on the run's main server (see {@link #measureRound}). */
    private static final List<String> ROUND_FIGURES = List.of("ceiling", "bulk", "small", "naive", "influx",
            "lineprotocol", "remotewrite");

    private final BenchSettings settings;
    private final BenchDatabase database;
    /**
     * The database of the rounds' jobs-off server (issue 13's reference) and of the JDBC figures: a database of its
     * own, so that the main server's scheduled jobs never see its readings.
     */
    private final BenchSettings referenceSettings;
    private final BenchDatabase reference;
    private final Path work;
    private final Results results;

    private Benchmark(BenchSettings settings, Path work) {
        this.settings = settings;
        this.database = new BenchDatabase(settings);
        this.referenceSettings = settings.withDatabase(settings.database() + "_jobs_off");
        this.reference = new BenchDatabase(referenceSettings);
        this.work = work;
        this.results = new Results(settings);
    }

    public static void main(String[] args) throws Exception {
        BenchSettings settings;
        try {
            settings = BenchSettings.from(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        Path work = Files.createTempDirectory("tidemark-bench-");
        try {
            new Benchmark(settings, work).run();
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * The readings of the run and the request files made of them (no InfluxDB file when it is not installed), over
     * the past days; {@code live} writes the production figures' files, stamped as they are sent.
     */
    private record Pool(Workload workload, List<byte[]> bulk, Path bulkFile, Path smallFile, Path influxFile,
            LiveFiles live) {}

    private void run() throws Exception {
        String influxVersion = InfluxServer.version();
        String victoriaVersion = VictoriaMetricsServer.version();
        database.recreate();
        try {
            results.header(database, Wrk.version(), influxVersion, victoriaVersion);
            long checkpointsBefore = database.requestedCheckpoints();
            log("machine: " + results.machine());
            Pool pool = buildPool(influxVersion != null);
            if (influxVersion == null) results.influxMissing();
            if (settings.profile()) {
                Profiler.run(settings, work, database, pool.bulkFile(), pool.smallFile());
                return;
            }
            RemoteWriteFigures remoteWrite = null;
            if (settings.runs("remotewrite")) {
                remoteWrite = new RemoteWriteFigures(settings, database, work, victoriaVersion, results.jobs);
                results.remoteWrite(remoteWrite);
            }
            LineProtocolFigures lineProtocol = null;
            if (settings.runs("lineprotocol")) {
                lineProtocol = new LineProtocolFigures(settings, work, pool.workload(), influxVersion != null,
                        victoriaVersion != null);
                results.lineProtocol(lineProtocol);
            }
            if (ROUND_FIGURES.stream().anyMatch(settings::runs)) {
                measureRounds(pool, remoteWrite, lineProtocol);
            } else {
                log("no figure of the rounds selected: the main server is not started");
            }
            if (settings.runs("alerts")) measureAlerts(pool);
            if (settings.runs("feed")) {
                FeedFigures feed = new FeedFigures(settings, database);
                results.feed(feed);
                feed.measure(work, pool.bulkFile(), (what, server) -> measureTidemark(what, server,
                        pool.bulkFile(), Workload.BULK_READINGS, settings.bulkConnections(), settings.feedSeconds()));
            }
            if (settings.runs("latest")) {
                LatestFigures latest = new LatestFigures(settings, database);
                results.latest(latest);
                latest.measure(work, pool.bulkFile(), (what, server) -> measureTidemark(what, server,
                        pool.bulkFile(), Workload.BULK_READINGS, settings.bulkConnections()));
            }
            if (settings.runs("overload")) measureOverload(pool.bulk());
            if (settings.runs("mixed")) results.mixed(new MixedFigure(settings, database).measure(work));
            if (settings.runs("rollups")) {
                List<Long> histories = settings.quick() ? List.of(1_000_000L, 10_000_000L)
                        : List.of(10_000_000L, 100_000_000L);
                results.rollups(new RollupFigures(settings, database).measure(work, histories));
            }
            if (settings.runs("reads")) {
                results.reads(new ReadFigures(settings, influxVersion, victoriaVersion).measure(work));
            }
            results.checkpointsForced(database.requestedCheckpoints() - checkpointsBefore);
        } finally {
            if (!settings.keepDatabase()) database.drop();
        }
        results.write();
    }

    /**
     * The figures of {@link #ROUND_FIGURES}, round after round, in the production configuration of issue 13: the
     * run's main server has the shipped jobs running on their schedules and gets the live files; a jobs-off server
     * on a database of its own is the reference for bulk and small, and the JDBC figures' database (its warm-up,
     * with the pool's past days, makes their series and partitions).
     */
    private void measureRounds(Pool pool, RemoteWriteFigures remoteWrite, LineProtocolFigures lineProtocol)
            throws Exception {
        boolean withReference = Stream.of("ceiling", "bulk", "small", "naive").anyMatch(settings::runs);
        if (withReference) reference.recreate();
        try (TidemarkServer server = startServer(settings, "main", true);
                TidemarkServer jobsOff = withReference ? startServer(referenceSettings, "jobs-off", false) : null) {
            LiveFiles live = pool.live();
            warmUp(settings, server, live.bulkJson(), live.smallJson());
            if (jobsOff != null) warmUp(settings, jobsOff, pool.bulkFile(), pool.smallFile());
            if (remoteWrite != null) {
                remoteWrite.buildRequests(live.stamped());
                remoteWrite.warmUp(server);
            }
            if (Stream.of("bulk", "small", "lineprotocol", "remotewrite").anyMatch(settings::runs)) {
                awaitRollupCaughtUp();
            }
            int[] seriesIds = jobsOff == null ? null : reference.seriesIds();
            byte[] copyRows = settings.runs("ceiling") ? pool.workload().copyRows(seriesIds) : null;
            for (int round = 1; round <= settings.repeats(); round++) {
                log("round " + round + " of " + settings.repeats());
                measureRound(round, server, jobsOff, pool, seriesIds, copyRows);
                if (lineProtocol != null) {
                    lineProtocol.measureRound(live, (what, file, perRequest, connections) -> measureTidemark(what,
                            server, database, file, perRequest, connections, settings.seconds()));
                }
                if (remoteWrite != null) {
                    remoteWrite.buildRequests(live.stamped());
                    remoteWrite.measureRound(server);
                }
            }
        } finally {
            if (withReference && !settings.keepDatabase()) reference.drop();
        }
    }

    /** A server of the rounds: {@code BENCH_SERVER_CONFIG} if given, else the defaults with the jobs on or off. */
    private TidemarkServer startServer(BenchSettings on, String name, boolean jobs) throws Exception {
        if (settings.serverConfig() != null) return TidemarkServer.start(on, work, name, List.of());
        Path config = work.resolve("tidemark-" + name + ".yaml");
        Files.writeString(config, TidemarkServer.config(settings, jobs));
        return TidemarkServer.start(on, work, name, List.of(), config);
    }

    /**
     * Waits for the main server's first scheduled {@code rollup_1m} run (at the next whole minute) to bring its
     * watermark up to the clock, so that the live files' late readings are behind it from the first figure on.
     */
    private void awaitRollupCaughtUp() throws Exception {
        long deadline = System.nanoTime() + 180_000_000_000L;
        Instant watermark = null;
        while (System.nanoTime() < deadline) {
            watermark = database.watermark("rollup_1m");
            if (watermark != null && watermark.isAfter(Instant.now().minusSeconds(180))) {
                log("rollup_1m watermark at " + watermark);
                return;
            }
            Thread.sleep(1000);
        }
        log("rollup_1m has not caught up within 3 minutes (watermark " + watermark + "): late readings may not be"
                + " behind it");
    }

    private Pool buildPool(boolean withInflux) throws IOException {
        Workload workload = Workload.generate(settings.poolReadings(), Instant.now());
        List<byte[]> bulk = workload.bulkRequests("127.0.0.1");
        Path bulkFile = replayFile("bulk", bulk);
        Path smallFile = replayFile("small", workload.singleRequests("127.0.0.1", SMALL_REQUEST_POOL));
        Path influxFile = withInflux
                ? replayFile("influx", workload.influxRequests("127.0.0.1", InfluxServer.DATABASE)) : null;
        LiveStamps stamps = new LiveStamps(workload, 13);
        log("pool: " + workload.readings() + " readings in " + bulk.size() + " bulk bodies of "
                + Workload.BULK_READINGS + " (" + Files.size(bulkFile) / 1_000_000 + " MB); " + stamps.lateReadings()
                + " of them late in the live files");
        return new Pool(workload, bulk, bulkFile, smallFile, influxFile, new LiveFiles(workload, stamps, work,
                settings));
    }

    /**
     * Every selected figure once, in the table's order; the Tidemark figures on a freshly stamped live file each,
     * jobs on and off in turns (which goes first alternates by round).
     */
    private void measureRound(int round, TidemarkServer server, TidemarkServer jobsOff, Pool pool, int[] seriesIds,
            byte[] copyRows) throws Exception {
        JdbcLoads jdbc = new JdbcLoads(referenceSettings.databaseUrl());
        for (int i = 0; settings.runs("ceiling") && i < settings.ceilingConnections().size(); i++) {
            int n = settings.ceilingConnections().get(i);
            results.ceiling.get(i).runs.add(measureJdbc("COPY ceiling, " + n + " connection(s)",
                    () -> jdbc.copy(copyRows, n, settings.seconds())));
        }
        boolean jobsOnFirst = round % 2 == 1;
        for (boolean jobs : new boolean[] {jobsOnFirst, !jobsOnFirst}) {
            if (!settings.runs("bulk")) break;
            Figure figure = jobs ? results.bulk : results.bulkJobsOff;
            figure.runs.add(measureTidemark(jobs ? "bulk" : "bulk, jobs off", jobs ? server : jobsOff,
                    jobs ? database : reference, pool.live().bulkJson(), Workload.BULK_READINGS,
                    settings.bulkConnections(), settings.seconds()));
        }
        for (boolean jobs : new boolean[] {jobsOnFirst, !jobsOnFirst}) {
            if (!settings.runs("small")) break;
            Figure figure = jobs ? results.small : results.smallJobsOff;
            figure.runs.add(measureTidemark(jobs ? "small" : "small, jobs off", jobs ? server : jobsOff,
                    jobs ? database : reference, pool.live().smallJson(), 1, settings.smallConnections(),
                    settings.seconds()));
        }
        if (settings.runs("naive")) {
            results.naive.runs.add(measureJdbc("naive INSERT", () -> jdbc.naive(pool.workload(), seriesIds,
                    settings.naiveConnections(), settings.seconds())));
        }
        for (int i = 0; pool.influxFile() != null && settings.runs("influx")
                && i < settings.influxWriters().size(); i++) {
            results.influx.get(i).runs.add(measureInflux(pool.influxFile(), settings.influxWriters().get(i)));
        }
    }

    private Path replayFile(String name, List<byte[]> requests) throws IOException {
        Path file = work.resolve(name + ".requests");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            Workload.writeReplayFile(requests, out);
        }
        return file;
    }

    /**
     * Lets the JIT compile the hot path (on a busy 2-core machine C2 is still compiling after 20 s of load); also
     * creates every series and every daily partition of the pool.
     */
    /** Rules for figure 2b. */
    static final int ALERT_RULES = 100;

    /**
     * Figure 2b: bulk ingest on a server with {@link #ALERT_RULES} rules that each match every reading but never fire,
     * the worst case of evaluation (issue 5: at most 10% of ingest throughput). A server of its own, warmed up alike.
     */
    private void measureAlerts(Pool pool) throws Exception {
        StringBuilder rules = new StringBuilder("alerts:\n  rules:\n");
        for (int i = 0; i < ALERT_RULES; i++) {
            rules.append("    - name: bench-rule-").append(i).append("\n      sensor: \"sensor-*\"\n")
                    .append("      metric: \"*\"\n      above: 1e300\n");
        }
        Path config = work.resolve("tidemark-alerts.yaml");
        Files.writeString(config, TidemarkServer.defaultConfig(settings) + rules);
        try (TidemarkServer server = TidemarkServer.start(settings, work, "alerts", List.of(), config)) {
            warmUp(settings, server, pool.bulkFile(), pool.smallFile());
            for (int round = 1; round <= settings.repeats(); round++) {
                results.bulkWithAlerts.runs.add(measureTidemark("bulk with alert rules", server, pool.bulkFile(),
                        Workload.BULK_READINGS, settings.bulkConnections()));
            }
        }
    }

    static void warmUp(BenchSettings settings, TidemarkServer server, Path bulkFile, Path smallFile)
            throws Exception {
        log("warm-up");
        Wrk wrk = new Wrk(settings);
        wrk.run(server.port(), bulkFile, settings.bulkConnections(), settings.quick() ? 5 : 20, new AtomicLong());
        wrk.run(server.port(), smallFile, settings.smallConnections(), settings.quick() ? 3 : 10, new AtomicLong());
        awaitQueueEmpty(server);
    }

    private interface JdbcLoad {
        JdbcLoads.Result run() throws Exception;
    }

    private Figure.Run measureJdbc(String what, JdbcLoad load) throws Exception {
        reference.reset();
        long self = ProcessHandle.current().pid();
        CpuSampler.Usage cpu;
        JdbcLoads.Result r;
        try (CpuSampler sampler = new CpuSampler(() -> self, 0, reference.name())) {
            r = load.run();
            cpu = sampler.stop();
        }
        log(String.format("  %-28s %,12.0f rows/s  %s", what, r.rowsPerSecond(), Results.cores(cpu)));
        return Figure.Run.of(r.rowsPerSecond(), cpu);
    }

    /** One wrk run against Tidemark, then a count of the table against the readings acknowledged. */
    Figure.Run measureTidemark(String what, TidemarkServer server, Path requests, int readingsPerRequest,
            int connections) throws Exception {
        return measureTidemark(what, server, requests, readingsPerRequest, connections, settings.seconds());
    }

    /** {@link #measureTidemark(String, TidemarkServer, Path, int, int)} for {@code seconds}. */
    Figure.Run measureTidemark(String what, TidemarkServer server, Path requests, int readingsPerRequest,
            int connections, int seconds) throws Exception {
        return measureTidemark(what, server, database, requests, readingsPerRequest, connections, seconds);
    }

    /**
     * The same against a server on database {@code db}; the job runs that overlapped the load are noted under
     * {@code what}, and the table is emptied again after the count (see {@link BenchDatabase#emptyReadings}).
     */
    private Figure.Run measureTidemark(String what, TidemarkServer server, BenchDatabase db, Path requests,
            int readingsPerRequest, int connections, int seconds) throws Exception {
        db.reset();
        AtomicLong wrkPid = new AtomicLong();
        Wrk.Result r;
        CpuSampler.Usage cpu;
        Instant started = Instant.now();
        try (CpuSampler sampler = new CpuSampler(wrkPid::get, server.pid(), db.name())) {
            r = new Wrk(settings).run(server.port(), requests, connections, seconds, wrkPid);
            cpu = sampler.stop();
        }
        Instant ended = Instant.now();
        awaitQueueEmpty(server);
        long rows = db.countReadings();
        results.jobs.add(what, db.jobRunsOverlapping(started, ended));
        db.emptyReadings();
        long acknowledged = r.answeredOk() * readingsPerRequest;
        double rate = acknowledged / (r.durationMicros() / 1e6);
        Figure.Run run = new Figure.Run(rate, cpu, r.p50Micros() / 1000.0, r.p99Micros() / 1000.0,
                r.maxMicros() / 1000.0, r.failedAnswers() + r.socketErrors(), Math.max(0, acknowledged - rows),
                Math.max(0, rows - acknowledged));
        log(String.format("  %-28s %,12.0f readings/s  p50 %.1f ms  p99 %.1f ms  failed %d  lost %d  %s", what,
                rate, run.p50Millis(), run.p99Millis(), run.failed(), run.lost(), Results.cores(cpu)));
        return run;
    }

    private Figure.Run measureInflux(Path requests, int writers) throws Exception {
        return new PeerLoads(settings, work).influx("InfluxDB, " + writers + " writers", requests, writers,
                Workload.INFLUX_POINTS);
    }

    /**
     * Twice the sustainable rate (the bulk figure's median) against a fresh server: 503s are expected, memory growth
     * and lost readings are not. Peak RSS is the kernel's high-water mark of the fresh process.
     */
    private void measureOverload(List<byte[]> bulk) throws Exception {
        double readingsPerSecond = settings.overloadRate() > 0 ? settings.overloadRate()
                : results.bulk.measured() ? 2 * results.bulk.rate() : 0;
        if (readingsPerSecond == 0) {
            log("overload: skipped; it needs the bulk figure or BENCH_OVERLOAD_RATE (readings/s)");
            return;
        }
        log(String.format("overload: %,.0f readings/s offered for %d s", readingsPerSecond,
                settings.overloadSeconds()));
        try (TidemarkServer server = TidemarkServer.start(settings, work, "overload", List.of())) {
            database.reset();
            PacedLoad.Result r;
            CpuSampler.Usage cpu;
            try (CpuSampler sampler = new CpuSampler(ProcessHandle.current()::pid, server.pid(), settings.database())) {
                r = new PacedLoad(server.port(), bulk).run(readingsPerSecond / Workload.BULK_READINGS,
                        settings.overloadConnections(), settings.overloadSeconds());
                cpu = sampler.stop();
            }
            awaitQueueEmpty(server);
            long peakKib = CpuSampler.peakRssKib(server.pid());
            long rows = database.countReadings();
            results.overload(readingsPerSecond, r, peakKib, rows, cpu);
            log(String.format("  sent %d of %d scheduled (%,.0f readings/s), 200: %d, 503: %d, other: %d, no answer: %d"
                    + "%s; peak RSS %d MB; acknowledged %d, rows %d", r.sent(), r.scheduled(),
                    r.offeredPerSecond() * Workload.BULK_READINGS, r.ok(), r.unavailable(), r.otherStatus(),
                    r.noAnswer(), r.firstError() == null ? "" : " (first: " + r.firstError() + ")", peakKib / 1024,
                    r.acknowledgedReadings(), rows));
        }
    }

    /** Waits until the server has committed everything queued (its queue depth, from /health, is 0). */
    static void awaitQueueEmpty(TidemarkServer server) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            String body = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/health")).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = QUEUED.matcher(body);
            if (m.find() && Long.parseLong(m.group(1)) == 0) return;
            Thread.sleep(50);
        }
        throw new IOException("the server's ingest queue did not drain within 60 s");
    }

    static void log(String line) {
        System.err.println("bench: " + line);
    }
}
