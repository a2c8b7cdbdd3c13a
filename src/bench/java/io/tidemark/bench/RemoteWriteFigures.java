package io.tidemark.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Figure 5c: the same Prometheus remote-write requests, byte for byte, to Tidemark's {@code /api/v1/write} and to
 * VictoriaMetrics', one after the other within each round, with as many connections as the bulk figure.
 *
 * <p>Only samples that were stored count. Every body has its timestamps, so Tidemark answers a body it has stored
 * already (204, {@code Idempotent-Replayed: true}) without storing it again: the pool holds more bodies than either
 * server can take in one figure ({@code BENCH_REMOTE_WRITE_BODIES}), replayed answers are counted apart from the
 * rate all the same, and every measurement starts with no stored keys. Answers that are not 2xx count as failed;
 * acknowledged samples are then checked against Tidemark's table and against VictoriaMetrics' export.
 */
final class RemoteWriteFigures {
    /** One contender's figure and what the table says beside its rate. */
    private static final class Contender {
        final Figure figure;
        long replayed;
        long resent;

        Contender(Figure figure) {
            this.figure = figure;
        }
    }

    private final BenchSettings settings;
    private final BenchDatabase database;
    private final Path work;
    private final String victoriaVersion;
    private final JobActivity jobs;
    private final Contender tidemark;
    private final Contender victoria;
    private Path requests;
    private int bodies;

    /**
     * @param victoriaVersion the installed VictoriaMetrics, or null when it is not installed
     * @param jobs where the job runs that overlap Tidemark's measurements are noted (its server runs its jobs)
     */
    RemoteWriteFigures(BenchSettings settings, BenchDatabase database, Path work, String victoriaVersion,
            JobActivity jobs) {
        this.settings = settings;
        this.database = database;
        this.work = work;
        this.victoriaVersion = victoriaVersion;
        this.jobs = jobs;
        this.tidemark = new Contender(new Figure("5c. Tidemark `/api/v1/write`, jobs running: Prometheus remote"
                + " write, " + RemoteWriteBodies.SAMPLES_PER_BODY + " samples/POST (protobuf, Snappy), "
                + settings.bulkConnections() + " connections", "readings/s"));
        this.victoria = new Contender(new Figure("5c. VictoriaMetrics `/api/v1/write`, the same bytes, "
                + settings.bulkConnections() + " connections (acknowledges before its buffers reach the disk)",
                "readings/s"));
    }

    /**
     * Writes the request file of a round: {@link BenchSettings#remoteWriteBodies} bodies made of {@code workload}, the
     * pool as stamped just before (see {@link LiveStamps}), so the same share of samples is late in every round.
     */
    void buildRequests(Workload workload) throws IOException {
        bodies = settings.remoteWriteBodies();
        requests = work.resolve("remotewrite.requests");
        long bodyBytes;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(requests), 1 << 20)) {
            bodyBytes = new RemoteWriteBodies(workload).writeReplayFile("127.0.0.1", bodies, out);
        }
        Benchmark.log(String.format("pool: %,d remote-write bodies of %d samples, %,d bytes each on average (%d MB)",
                bodies, RemoteWriteBodies.SAMPLES_PER_BODY, bodyBytes / bodies, Files.size(requests) / 1_000_000));
    }

    /** Lets the JIT compile the remote-write decoder, and creates the series it maps the labels to. */
    void warmUp(TidemarkServer server) throws Exception {
        Benchmark.log("warm-up: remote write");
        new Wrk(settings).runCountingAnswers(server.port(), requests, settings.bulkConnections(),
                settings.quick() ? 3 : 10, new AtomicLong());
        Benchmark.awaitQueueEmpty(server);
    }

    /** Tidemark, then VictoriaMetrics (when installed). */
    void measureRound(TidemarkServer server) throws Exception {
        measureTidemark(server);
        if (victoriaVersion != null) measureVictoria();
    }

    private void measureTidemark(TidemarkServer server) throws Exception {
        database.reset();
        AtomicLong wrkPid = new AtomicLong();
        Wrk.Result r;
        CpuSampler.Usage cpu;
        Instant started = Instant.now();
        try (CpuSampler sampler = new CpuSampler(wrkPid::get, server.pid(), settings.database())) {
            r = new Wrk(settings).runCountingAnswers(server.port(), requests, settings.bulkConnections(),
                    settings.seconds(), wrkPid);
            cpu = sampler.stop();
        }
        Instant ended = Instant.now();
        Benchmark.awaitQueueEmpty(server);
        record(tidemark, "Tidemark remote write", r, cpu, database.countReadings());
        jobs.add("remote write", database.jobRunsOverlapping(started, ended));
        database.emptyReadings();
    }

    private void measureVictoria() throws Exception {
        try (VictoriaMetricsServer vm = VictoriaMetricsServer.start(work)) {
            AtomicLong wrkPid = new AtomicLong();
            Wrk.Result r;
            CpuSampler.Usage cpu;
            try (CpuSampler sampler = new CpuSampler(wrkPid::get, vm.pid(), settings.database())) {
                r = new Wrk(settings).runCountingAnswers(vm.port(), requests, settings.bulkConnections(),
                        settings.seconds(), wrkPid);
                cpu = sampler.stop();
            }
            long stored = vm.countSamples();
            long added = vm.rowsAddedToStorage();
            if (added != stored) {
                Benchmark.log(String.format("  VictoriaMetrics exported %,d samples but counts %,d added to storage",
                        stored, added));
            }
            record(victoria, "VictoriaMetrics remote write", r, cpu, stored);
        }
    }

    /**
     * Counts as acknowledged the samples of 2xx answers to bodies sent for the first time; checks them against what
     * is stored. A body sent again is not counted (nor is it stored again: Tidemark answers it as a replay, and
     * VictoriaMetrics drops samples it has already).
     */
    private void record(Contender c, String what, Wrk.Result r, CpuSampler.Usage cpu, long stored) {
        long ok = r.requests() - r.non2xxAnswers();
        // Tidemark marks each replay; for VictoriaMetrics, which marks none, what wrk sent twice stands for them.
        long again = Math.max(r.replayedAnswers(), r.resentRequests());
        long acknowledged = (ok - again) * RemoteWriteBodies.SAMPLES_PER_BODY;
        double rate = acknowledged / (r.durationMicros() / 1e6);
        long failed = r.non2xxAnswers() + r.socketErrors();
        c.figure.runs.add(new Figure.Run(rate, cpu, r.p50Micros() / 1000.0, r.p99Micros() / 1000.0,
                r.maxMicros() / 1000.0, failed, Math.max(0, acknowledged - stored),
                Math.max(0, stored - acknowledged)));
        c.replayed += r.replayedAnswers();
        c.resent += r.resentRequests();
        Benchmark.log(String.format("  %-28s %,12.0f readings/s  p50 %.1f ms  p99 %.1f ms  non-2xx %d  replayed %d"
                + "  resent %d  stored %,d of %,d acknowledged  %s", what, rate, r.p50Micros() / 1000.0,
                r.p99Micros() / 1000.0, r.non2xxAnswers(), r.replayedAnswers(), r.resentRequests(), stored,
                acknowledged, Results.cores(cpu)));
    }

    /** The table's rows; {@code bulk} is the JSON bulk figure of the same run, for reference. */
    void rows(StringBuilder b, Figure bulk) {
        if (!tidemark.figure.measured()) return;
        List<String> notes = new ArrayList<>();
        if (victoria.figure.measured()) {
            notes.add(String.format(Locale.ROOT, "**%.2fx of VictoriaMetrics** on the same bytes",
                    tidemark.figure.ratioTo(victoria.figure)));
        }
        if (bulk.measured()) notes.add(String.format(Locale.ROOT, "%.2fx of JSON bulk", tidemark.figure.ratioTo(bulk)));
        notes.add(jobs.describe("remote write"));
        Results.row(b, tidemark.figure, Results.join(resends(tidemark, notes).toArray(String[]::new)));
        if (victoriaVersion == null) {
            b.append("| 5c. VictoriaMetrics | not measured: victoria-metrics is not installed (`apt-get install"
                    + " victoria-metrics` failed or was skipped) | | | | |\n");
        } else {
            Results.row(b, victoria.figure, String.join("; ", resends(victoria, new ArrayList<>())));
        }
    }

    private static List<String> resends(Contender c, List<String> notes) {
        if (c.replayed > 0) notes.add(c.replayed + " replayed answers (not counted)");
        if (c.resent > 0) {
            notes.add("**the pool ran out**: " + c.resent + " bodies sent again (not counted; raise"
                    + " BENCH_REMOTE_WRITE_BODIES)");
        }
        return notes;
    }

    long lost() {
        return tidemark.figure.totalLost();
    }

    String notes() {
        return """
                - 5c: %,d distinct remote-write bodies of %d samples (labels `__name__` = sensor, `metric` = \
                metric; the pool's readings as stamped at the start of the round's remote-write figure, %.0f%% late, \
                a millisecond later on each pass through it), as Prometheus 2.42 sends them. Rates count samples \
                of 2xx answers to bodies sent for the first time (not marked \
                `Idempotent-Replayed`, not sent again after wrk went through the pool); "lost" compares them with \
                the rows in Tidemark's table and with the samples VictoriaMetrics exports after a flush. \
                VictoriaMetrics starts empty each time and answers before its in-memory buffers reach the disk \
                (about once a second): a crash can lose acknowledged samples, which Tidemark (after commit) and \
                InfluxDB (after WAL fsync) do not.
                """.formatted(bodies, RemoteWriteBodies.SAMPLES_PER_BODY, 100 * LiveStamps.LATE_FRACTION);
    }
}
