package io.tidemark.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Figures 5b and 5d: the same line protocol requests, byte for byte, to Tidemark's {@code /write} (the run's main
 * server: jobs on), InfluxDB's and VictoriaMetrics', one after the other within each round. 5b is bulk (5000 lines
 * a request, only the late lines with their timestamps) with the bulk figure's connections for Tidemark and
 * VictoriaMetrics and InfluxDB's writer counts; 5d is small (one line with its timestamp a request) with the small
 * figure's connections for everyone, from a pool of distinct requests so that none is sent twice.
 */
final class LineProtocolFigures {
    /** A wrk run against Tidemark's main server, counted against its table. */
    interface TidemarkLoad {
        Figure.Run measure(String what, Path requests, int readingsPerRequest, int connections) throws Exception;
    }

    /** Distinct small requests per second of a figure, by default: more than any of the three answers here. */
    static final int SMALL_BODIES_PER_SECOND = 100_000;

    final Figure tidemarkBulk;
    final List<Figure> influxBulk;
    final Figure victoriaBulk;
    final Figure tidemarkSmall;
    final Figure influxSmall;
    final Figure victoriaSmall;

    private final BenchSettings settings;
    private final PeerLoads peers;
    private final boolean influx;
    private final boolean victoria;
    private final int smallBodies;
    private boolean smallPoolRanOut;

    LineProtocolFigures(BenchSettings settings, Path work, Workload pool, boolean influx, boolean victoria) {
        this.settings = settings;
        this.peers = new PeerLoads(settings, work);
        this.influx = influx;
        this.victoria = victoria;
        this.smallBodies = Math.min(pool.readings(), settings.seconds() * SMALL_BODIES_PER_SECOND);
        int bulk = settings.bulkConnections();
        int small = settings.smallConnections();
        tidemarkBulk = new Figure("5b. Tidemark `/write`, jobs running: line protocol, " + Workload.INFLUX_POINTS
                + " lines/POST (" + pct() + " late, with timestamps; the rest without), " + bulk + " connections",
                "readings/s");
        influxBulk = settings.influxWriters().stream()
                .map(n -> new Figure("5b. InfluxDB `/write`, the same bytes, " + n + " writers", "points/s")).toList();
        victoriaBulk = new Figure("5b. VictoriaMetrics `/write`, the same bytes, " + bulk + " connections",
                "readings/s");
        tidemarkSmall = new Figure("5d. Tidemark `/write`, jobs running: line protocol, 1 line with its timestamp"
                + "/POST (" + pct() + " late), " + small + " connections", "readings/s");
        influxSmall = new Figure("5d. InfluxDB `/write`, the same bytes, " + small + " connections", "points/s");
        victoriaSmall = new Figure("5d. VictoriaMetrics `/write`, the same bytes, " + small + " connections",
                "readings/s");
    }

    private static String pct() {
        return String.format(Locale.ROOT, "%.0f%%", 100 * LiveStamps.LATE_FRACTION);
    }

    /** 5b, then 5d: Tidemark first on a freshly stamped file, then the peers on the same file. */
    void measureRound(LiveFiles files, TidemarkLoad tidemark) throws Exception {
        Path bulk = files.lineProtocol();
        tidemarkBulk.runs.add(tidemark.measure("line protocol", bulk, Workload.INFLUX_POINTS,
                settings.bulkConnections()));
        for (int i = 0; influx && i < settings.influxWriters().size(); i++) {
            int writers = settings.influxWriters().get(i);
            influxBulk.get(i).runs.add(peers.influx("InfluxDB, " + writers + " writers", bulk, writers,
                    Workload.INFLUX_POINTS));
        }
        if (victoria) {
            victoriaBulk.runs.add(peers.victoria("VictoriaMetrics line protocol", bulk, settings.bulkConnections(),
                    Workload.INFLUX_POINTS));
        }
        Path small = files.smallLineProtocol(smallBodies);
        int connections = settings.smallConnections();
        tidemarkSmall.runs.add(tidemark.measure("small line protocol", small, 1, connections));
        if (influx) influxSmall.runs.add(peers.influx("InfluxDB, small", small, connections, 1));
        if (victoria) victoriaSmall.runs.add(peers.victoria("VictoriaMetrics, small", small, connections, 1));
        for (Figure f : List.of(tidemarkSmall, influxSmall, victoriaSmall)) {
            if (f.measured() && f.runs.get(f.runs.size() - 1).rate() * settings.seconds() > smallBodies) {
                smallPoolRanOut = true;
            }
        }
    }

    /** The table's rows; {@code bulk} and {@code small} are the JSON figures of the same run, for reference. */
    void rows(StringBuilder b, Figure bulk, Figure small, JobActivity jobs) {
        if (!tidemarkBulk.measured()) return;
        Figure bestInflux = influxBulk.get(influxBulk.size() - 1);
        List<String> notes = new ArrayList<>();
        if (victoriaBulk.measured()) notes.add(bold(tidemarkBulk.ratioTo(victoriaBulk)) + " of VictoriaMetrics");
        if (influxBulk.get(0).measured()) {
            notes.add(bold(tidemarkBulk.ratioToBest(influxBulk.get(0), bestInflux)) + " of best InfluxDB");
        }
        if (bulk.measured()) notes.add(Results.format(tidemarkBulk.ratioTo(bulk)) + " of JSON bulk (2)");
        notes.add(jobs.describe("line protocol"));
        Results.row(b, tidemarkBulk, Results.join(notes.toArray(String[]::new)));
        peerRows(b, influxBulk, victoriaBulk);
        notes.clear();
        if (influxSmall.measured()) notes.add(bold(tidemarkSmall.ratioTo(influxSmall)) + " of InfluxDB");
        if (victoriaSmall.measured()) notes.add(bold(tidemarkSmall.ratioTo(victoriaSmall)) + " of VictoriaMetrics");
        if (small.measured()) {
            notes.add("small JSON (3) is " + Results.format(small.ratioTo(tidemarkSmall)) + " of this");
        }
        notes.add(jobs.describe("small line protocol"));
        if (smallPoolRanOut) {
            notes.add("**the pool ran out**: a party sent more than the " + smallBodies + " distinct requests, so"
                    + " some twice (a replay for Tidemark, an overwrite for InfluxDB)");
        }
        Results.row(b, tidemarkSmall, Results.join(notes.toArray(String[]::new)));
        peerRows(b, List.of(influxSmall), victoriaSmall);
    }

    private void peerRows(StringBuilder b, List<Figure> influxFigures, Figure victoriaFigure) {
        if (influx) {
            for (Figure f : influxFigures) Results.row(b, f, "");
        } else {
            b.append("| ").append(influxFigures.get(0).title).append(" | not measured: influxd is not installed |"
                    + " | | | |\n");
        }
        if (victoria) {
            Results.row(b, victoriaFigure, "");
        } else {
            b.append("| ").append(victoriaFigure.title).append(" | not measured: victoria-metrics is not installed |"
                    + " | | | |\n");
        }
    }

    /** The targets of issue 13 on these figures; {@code small} is the JSON small figure (3). */
    void targets(StringBuilder b, Figure small) {
        double vsInflux = ratio(tidemarkSmall, influxSmall);
        Results.target(b, "small line protocol >= 2x InfluxDB, same bytes, jobs running (issue 13)",
                Results.format(vsInflux), vsInflux >= 2);
        double vsVictoria = ratio(tidemarkSmall, victoriaSmall);
        Results.target(b, "small line protocol >= 0.75x VictoriaMetrics, same bytes (issue 13)",
                Results.format(vsVictoria), vsVictoria >= 0.75);
        double json = ratio(small, tidemarkSmall);
        Results.target(b, "small JSON at least as fast as small line protocol (issue 13)", Results.format(json),
                json >= 1);
        double p99 = Math.max(p99(small), p99(tidemarkSmall));
        Results.target(b, "small p99 < 10 ms, JSON and line protocol (issue 13)",
                String.format(Locale.ROOT, "%.1f / %.1f ms", p99(small), p99(tidemarkSmall)), p99 < 10);
        double bulkVsVictoria = ratio(tidemarkBulk, victoriaBulk);
        Results.target(b, "bulk line protocol >= 1.0x VictoriaMetrics, same bytes (issue 13)",
                Results.format(bulkVsVictoria), bulkVsVictoria >= 1);
    }

    private static double ratio(Figure f, Figure to) {
        return f.measured() && to.measured() ? f.ratioTo(to) : Double.NaN;
    }

    private static double p99(Figure f) {
        return f.measured() ? f.median(Figure.Run::p99Millis) : Double.NaN;
    }

    long lost() {
        return tidemarkBulk.totalLost() + tidemarkSmall.totalLost();
    }

    String notes() {
        return """
                - 5b/5d: the bodies are made of the pool as stamped just before Tidemark's measurement (%s late, \
                see below); 5d's pool has %,d distinct one-line requests, each with its timestamp in nanoseconds, \
                so each is its own idempotency key for Tidemark (an `idempotency_keys` row a request) and no peer \
                overwrites or drops a point as a duplicate unless a request is sent twice. VictoriaMetrics' rows are \
                checked against its export after a flush ("lost"); InfluxDB's are not counted (it overwrites points \
                of one series and timestamp: 5b's lines without timestamps share the server's clock).
                """.formatted(pct(), smallBodies);
    }

    private static String bold(double ratio) {
        return "**" + Results.format(ratio) + "**";
    }
}
