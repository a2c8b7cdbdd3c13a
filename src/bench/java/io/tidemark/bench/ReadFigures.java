package io.tidemark.bench;

import io.tidemark.bench.ReadQueries.Kind;
import io.tidemark.bench.ReadQueries.Party;
import io.tidemark.bench.ReadQueries.Probe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The read figure (issue 13): the same queries asked of Tidemark (SQL and HTTP), InfluxDB and VictoriaMetrics, each
 * holding the same readings, at two sizes at once (10M and 100M readings; 1M and 10M with {@code --quick}), so that
 * the larger/smaller ratio is taken within each round like every other ratio of the benchmark.
 *
 * <p>The sizes have the same density: the smaller holds the newest day, the larger the newest ten days, and both
 * end at the present (topped up before each round), so the 1 h queries and the raw day ask both the same question
 * of the same readings, while the larger has ten times the history behind them. The 7 d queries cover the smaller
 * store's whole day and seven of the larger's ten. Within a round every query is asked of every party and size once,
 * the parties' order rotating from round to round.
 */
final class ReadFigures {
    private final BenchSettings settings;
    private final String influxVersion;
    private final String victoriaVersion;

    /** @param influxVersion the installed peer, or null (the same for victoriaVersion) */
    ReadFigures(BenchSettings settings, String influxVersion, String victoriaVersion) {
        this.settings = settings;
        this.influxVersion = influxVersion;
        this.victoriaVersion = victoriaVersion;
    }

    ReadReport measure(Path work) throws Exception {
        long smaller = settings.quick() ? 1_000_000L : 10_000_000L;
        long larger = 10 * smaller;
        int warmUps = settings.quick() ? 1 : 3;
        int rounds = settings.quick() ? 5 : 20;
        ReadHistory history = new ReadHistory(smaller);
        long end = Math.floorDiv(System.currentTimeMillis(), ReadQueries.MINUTE) * ReadQueries.MINUTE;
        String small = Results.compact(smaller).replace(".00", "");
        String large = Results.compact(larger).replace(".00", "");
        ReadReport report = new ReadReport(small, large);
        boolean influx = influxVersion != null;
        boolean victoria = victoriaVersion != null;
        try (ReadStore a = ReadStore.start(small, end - ReadHistory.DAY_MILLIS, history,
                        settings.withDatabase(settings.database() + "_reads_" + small.toLowerCase()), work, influx,
                        victoria);
                ReadStore b = ReadStore.start(large, end - 10 * ReadHistory.DAY_MILLIS, history,
                        settings.withDatabase(settings.database() + "_reads_" + large.toLowerCase()), work, influx,
                        victoria)) {
            List<ReadStore> stores = List.of(a, b);
            load(stores, end);
            long now = System.currentTimeMillis();
            for (ReadStore s : stores) s.topUp(now);
            ReadRollups rollups = new ReadRollups();
            for (ReadStore s : stores) rollups.settle(s);
            for (ReadStore s : stores) s.measureSizes();
            report.costs(history.readings(a.from, end), a.costs, history.readings(b.from, end), b.costs);
            boolean latestTable = a.hasLatestTable();
            long dayFrom = end - ReadHistory.DAY_MILLIS;
            Map<Kind, Map<Party, Probe>> smallerProbes =
                    new ReadQueries(a, history, dayFrom, end, latestTable).probes();
            Map<Kind, Map<Party, Probe>> largerProbes =
                    new ReadQueries(b, history, dayFrom, end, latestTable).probes();
            for (int round = 1; round <= warmUps + rounds; round++) {
                Benchmark.log("reads: round " + round + " of " + (warmUps + rounds)
                        + (round <= warmUps ? " (warm-up)" : ""));
                now = System.currentTimeMillis();
                for (ReadStore s : stores) s.topUp(now);
                round(round, round > warmUps ? report : null, smallerProbes, largerProbes);
            }
            notes(report, history, latestTable);
        }
        return report;
    }

    /** Loads each system at both sizes in turn, so that each load has the machine to itself; then the rollups. */
    private void load(List<ReadStore> stores, long end) throws Exception {
        ReadRollups rollups = new ReadRollups();
        for (ReadStore s : stores) {
            Benchmark.log("reads: " + s.name + ": Tidemark, binary COPY");
            s.loadTidemark(end);
            Benchmark.log(String.format("reads: %s: Tidemark loaded in %.0f s (VACUUM ANALYZE %.0f s)", s.name,
                    s.costs.tidemarkLoad / 1000, s.costs.tidemarkSettle / 1000));
            s.costs.rollupMaterialize = rollups.materialize(s, end);
            Benchmark.log(String.format("reads: %s: rollups materialized in %.0f s", s.name,
                    s.costs.rollupMaterialize / 1000));
        }
        for (ReadStore s : stores) {
            if (s.influx == null) continue;
            Benchmark.log("reads: " + s.name + ": InfluxDB, line protocol");
            s.loadInflux(end);
            Benchmark.log(String.format("reads: %s: InfluxDB loaded in %.0f s", s.name, s.costs.influxLoad / 1000));
        }
        for (ReadStore s : stores) {
            if (s.victoria == null) continue;
            Benchmark.log("reads: " + s.name + ": VictoriaMetrics, line protocol");
            s.loadVictoria(end);
            Benchmark.log(String.format("reads: %s: VictoriaMetrics loaded in %.0f s", s.name,
                    s.costs.victoriaLoad / 1000));
        }
    }

    /** Every query of every party once at each size; recorded into {@code report} unless it is null (warm-up). */
    private static void round(int round, ReadReport report, Map<Kind, Map<Party, Probe>> smaller,
            Map<Kind, Map<Party, Probe>> larger) throws Exception {
        List<Party> parties = new ArrayList<>(List.of(Party.values()));
        Collections.rotate(parties, round);
        for (Kind k : Kind.values()) {
            for (Party p : parties) {
                Probe s = smaller.get(k).get(p);
                Probe l = larger.get(k).get(p);
                if (s == null || l == null) continue;
                double first;
                double second;
                if (round % 2 == 0) {
                    first = timed(s);
                    second = timed(l);
                } else {
                    second = timed(l);
                    first = timed(s);
                }
                if (report != null) report.add(k, p, first, second);
                else Benchmark.log(String.format("  %-45s %-16s %8.2f ms %8.2f ms", k.title, p.title, first, second));
            }
        }
    }

    private static double timed(Probe probe) throws Exception {
        long started = System.nanoTime();
        Runnable check = probe.ask();
        double ms = (System.nanoTime() - started) / 1e6;
        check.run();
        return ms;
    }

    private void notes(ReadReport report, ReadHistory history, boolean latestTable) {
        report.note(String.format("Readings: %d series (%s's sensor-NNNN x 4 metrics), one reading per series every"
                + " %.2f s, the smaller store over the newest day, the larger over the newest 10 days, both ending at"
                + " the present: loaded up to the start, then topped up to now before each round (Tidemark through"
                + " `POST /api/v1/readings`, the peers through `/write`). InfluxDB: measurement = metric, tag sensor,"
                + " field value; VictoriaMetrics: `<metric>_value{sensor=...}` (its line protocol naming).",
                ReadHistory.SERIES, "Workload", history.stepMillis / 1000.0));
        report.note("Tidemark is loaded by binary COPY into `readings` with the shipped jobs on (VACUUM ANALYZE and"
                + " CHECKPOINT after, as after autovacuum); the history's rollups are then materialized by hand, the"
                + " jobs' run locks held: one plain INSERT ... SELECT ... GROUP BY per day into `rollup_1m` (2"
                + " connections), `rollup_1h` and `rollup_1d` from it, watermarks set to the load's end. From there the"
                + " jobs run on their schedules (after the first top-up each is run through the admin API until it"
                + " has caught up). The jobs catching up on their own from the history's start were too slow here"
                + " (about 40 buckets of `rollup_1m` a second at 10M).");
        report.note("Queries (sensor-0123/temperature): Tidemark SQL `rollup_live('rollup_1m'|'rollup_1h', ...)`,"
                + " the plain views `rollup_1m_v`/`rollup_1h_v`, `readings_v`; HTTP `/api/v1/rollups/1m|1h`,"
                + " `/api/v1/readings?limit=10000`; InfluxQL `mean, count, min, max ... GROUP BY time(1m|1h)`,"
                + " `SELECT value`, `last(value) ... GROUP BY sensor`; VictoriaMetrics `query_range` of"
                + " `aggr_over_time((avg, count, min, max _over_time), m[1m|1h])` with step 1m|1h and `nocache=1`,"
                + " `/api/v1/export`, `last_over_time(...[1h])`. The raw day is the day before the load's end.");
        report.note(latestTable ? "Latest values: Tidemark from `latest_v` (SQL) and `GET /api/v1/latest?limit=1000`."
                : "Latest values: Tidemark has no `latest_v` here, so SQL asks `readings` alone (DISTINCT ON series"
                + " over the newest hour: no index leads by series) and HTTP has no endpoint (n/a); the peers look"
                + " back an hour too.");
        report.note("Each answer is checked against the generated readings (bucket counts, one bucket's count, avg,"
                + " min and max, every raw reading's count and three of them, 1000 latest values and one of them);"
                + " latency is the client's, from sending to the whole answer read (JDBC: every row read).");
        report.note("The larger/smaller rows are medians of per-round ratios: both sizes are asked one after the other,"
                + " alternating which goes first, within each round.");
    }
}
