package io.tidemark.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Figure 8: the mixed load of the issue about batch jobs stalling ingest, with the repository's jobs scheduled (plus
 * an admin run of {@code rollup_1m} every 10 s) and without, in alternating order, round after round. Every
 * measurement has a fresh server and starts from the same {@link MixedHistory}; everything but the jobs is identical.
 * While it runs, the writers' lock waits are sampled from {@code pg_stat_activity}.
 */
final class MixedFigure {
    private static final int BULK_BODIES = 200;
    private static final int SINGLE_BODIES = 20_000;

    /** One measurement, jobs on or off. {@code lost}: acknowledged readings missing from the table (must be 0). */
    record Run(boolean jobs, MixedLoad.Result load, LockWaits.Summary locks, CpuSampler.Usage cpu, long lost) {}

    /** The measurements, paired by round. */
    record Outcome(int seconds, List<Run> off, List<Run> on) {}

    private final BenchSettings settings;
    private final BenchDatabase database;
    private final MixedHistory history;

    MixedFigure(BenchSettings settings, BenchDatabase database) {
        this.settings = settings;
        this.database = database;
        this.history = new MixedHistory(database);
    }

    Outcome measure(Path work) throws Exception {
        Benchmark.log("mixed: building bodies");
        List<MixedBodies.Body> bulk = MixedBodies.build(BULK_BODIES, MixedLoad.BULK_READINGS, 8);
        List<MixedBodies.Body> single = MixedBodies.build(SINGLE_BODIES, 1, 9);
        // A server of its own migrates the database when this figure runs alone; the series are made once.
        Files.writeString(work.resolve("tidemark-mixed-setup.yaml"), TidemarkServer.config(settings, false));
        try (TidemarkServer setup = TidemarkServer.start(settings, work, "mixed-setup", List.of(),
                work.resolve("tidemark-mixed-setup.yaml"))) {
            history.createSeries();
        }
        List<Run> off = new ArrayList<>();
        List<Run> on = new ArrayList<>();
        for (int round = 1; round <= settings.repeats(); round++) {
            Benchmark.log("mixed: round " + round + " of " + settings.repeats());
            boolean jobsFirst = round % 2 == 0; // alternate which goes first, so drift hits both alike
            for (boolean jobs : new boolean[] {jobsFirst, !jobsFirst}) {
                (jobs ? on : off).add(measureOnce(work, jobs, bulk, single));
            }
        }
        return new Outcome(settings.mixedSeconds(), off, on);
    }

    private Run measureOnce(Path work, boolean jobs, List<MixedBodies.Body> bulk, List<MixedBodies.Body> single)
            throws Exception {
        String name = jobs ? "mixed-jobs-on" : "mixed-jobs-off";
        long started = System.nanoTime();
        history.prepare(Instant.now());
        Benchmark.log(String.format("  %s: %,d readings of history loaded in %.0f s", name, MixedHistory.rows(),
                (System.nanoTime() - started) / 1e9));
        Path config = work.resolve("tidemark-" + name + ".yaml");
        Files.writeString(config, TidemarkServer.config(settings, jobs));
        try (TidemarkServer server = TidemarkServer.start(settings, work, name, List.of(), config)) {
            MixedLoad load = new MixedLoad(server.port(), bulk, single, jobs);
            load.start();
            Thread.sleep((settings.quick() ? 5 : 10) * 1000L); // warm-up: JIT, series cache, connections
            LockWaits.Summary locks;
            CpuSampler.Usage cpu;
            try (LockWaitSampler lockSampler = new LockWaitSampler(database);
                    CpuSampler cpuSampler = new CpuSampler(ProcessHandle.current()::pid, server.pid(),
                            settings.database())) {
                load.openWindow();
                Thread.sleep(settings.mixedSeconds() * 1000L);
                load.closeWindow();
                cpu = cpuSampler.stop();
                locks = lockSampler.stop();
            }
            MixedLoad.Result r = load.finish();
            Benchmark.awaitQueueEmpty(server);
            long stored = database.countReadings() - MixedHistory.rows();
            long lost = Math.max(0, r.acknowledgedTotal() - stored);
            Run run = new Run(jobs, r, locks, cpu, lost);
            Benchmark.log(MixedReport.describe(run));
            return run;
        }
    }
}
