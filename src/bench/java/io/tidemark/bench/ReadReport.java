package io.tidemark.bench;

import io.tidemark.bench.ReadQueries.Kind;
import io.tidemark.bench.ReadQueries.Party;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The read figure's section of the report: per query and party, the latency at each size (median and p99 over the
 * rounds) and the median of the per-round ratios larger/smaller (both sizes are asked within each round), the load
 * and on-disk costs of each store, the read targets, and how the figure was made.
 */
final class ReadReport {
    /** One query of one party: its latencies in milliseconds, round by round, at each size. */
    static final class Cell {
        final List<Double> smaller = new ArrayList<>();
        final List<Double> larger = new ArrayList<>();

        void add(double smallerMillis, double largerMillis) {
            smaller.add(smallerMillis);
            larger.add(largerMillis);
        }

        double ratio() {
            double[] r = new double[smaller.size()];
            for (int i = 0; i < r.length; i++) r[i] = larger.get(i) / smaller.get(i);
            return Figure.median(r);
        }
    }

    private final Map<Kind, Map<Party, Cell>> cells = new EnumMap<>(Kind.class);
    private final String smaller;
    private final String larger;
    private final List<String> notes = new ArrayList<>();
    private ReadStore.Costs smallerCosts;
    private ReadStore.Costs largerCosts;
    private long smallerReadings;
    private long largerReadings;

    ReadReport(String smaller, String larger) {
        this.smaller = smaller;
        this.larger = larger;
    }

    void add(Kind kind, Party party, double smallerMillis, double largerMillis) {
        cells.computeIfAbsent(kind, k -> new EnumMap<>(Party.class)).computeIfAbsent(party, p -> new Cell())
                .add(smallerMillis, largerMillis);
    }

    void costs(long smallerReadings, ReadStore.Costs smallerCosts, long largerReadings, ReadStore.Costs largerCosts) {
        this.smallerReadings = smallerReadings;
        this.smallerCosts = smallerCosts;
        this.largerReadings = largerReadings;
        this.largerCosts = largerCosts;
    }

    void note(String line) {
        notes.add(line);
    }

    /** The nearest-rank percentile {@code p} (0-100) of {@code values}; NaN when there are none. */
    static double percentile(List<Double> values, double p) {
        if (values.isEmpty()) return Double.NaN;
        List<Double> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    static String millis(double ms) {
        if (Double.isNaN(ms)) return "";
        return String.format(Locale.ROOT, ms < 10 ? "%.2f" : ms < 100 ? "%.1f" : "%.0f", ms);
    }

    String render() {
        StringBuilder b = new StringBuilder("\n### Reads (issue 13)\n\n| query | size |");
        for (Party p : Party.values()) b.append(' ').append(p.title).append(" |");
        b.append("\n|---|---|---|---|---|---|\n");
        for (Kind k : Kind.values()) {
            Map<Party, Cell> row = cells.getOrDefault(k, Map.of());
            if (row.isEmpty()) continue;
            line(b, k.title, smaller, row, c -> latency(c.smaller));
            line(b, "", larger, row, c -> latency(c.larger));
            line(b, "", larger + "/" + smaller, row, c -> String.format(Locale.ROOT, "**%.2f**", c.ratio()));
        }
        costs(b);
        targets(b);
        b.append('\n');
        for (String n : notes) b.append("- ").append(n).append('\n');
        return b.toString();
    }

    private interface CellText {
        String of(Cell c);
    }

    private static void line(StringBuilder b, String title, String size, Map<Party, Cell> row, CellText text) {
        b.append("| ").append(title).append(" | ").append(size).append(" |");
        for (Party p : Party.values()) {
            Cell c = row.get(p);
            b.append(' ').append(c == null ? "n/a" : text.of(c)).append(" |");
        }
        b.append('\n');
    }

    private static String latency(List<Double> ms) {
        return "**" + millis(Figure.median(ms.stream().mapToDouble(Double::doubleValue).toArray())) + " ms** (p99 "
                + millis(percentile(ms, 99)) + ")";
    }

    private void costs(StringBuilder b) {
        if (smallerCosts == null) return;
        b.append("\n| loading | Tidemark: binary COPY, 2 connections | Tidemark: VACUUM ANALYZE + CHECKPOINT"
                + " | Tidemark: rollups materialized (plain INSERT ... SELECT)"
                + " | InfluxDB: `/write`, 4 writers x 10k lines"
                + " | VictoriaMetrics: `/write`, 4 writers"
                + " | on disk: Tidemark (of it rollups) / InfluxDB / VictoriaMetrics |\n"
                + "|---|---|---|---|---|---|---|\n");
        costRow(b, smaller, smallerReadings, smallerCosts);
        costRow(b, larger, largerReadings, largerCosts);
    }

    private static void costRow(StringBuilder b, String size, long readings, ReadStore.Costs c) {
        b.append("| ").append(size).append(" | ").append(load(c.tidemarkLoad, readings)).append(" | ")
                .append(seconds(c.tidemarkSettle)).append(" | ").append(seconds(c.rollupMaterialize))
                .append(" | ")
                .append(load(c.influxLoad, readings)).append(" | ").append(load(c.victoriaLoad, readings))
                .append(" | ").append(bytes(c.tidemarkBytes)).append(" (").append(bytes(c.tidemarkRollupBytes))
                .append(") / ").append(bytes(c.influxBytes)).append(" / ").append(bytes(c.victoriaBytes))
                .append(" |\n");
    }

    private static String load(double ms, long readings) {
        if (Double.isNaN(ms)) return "not measured";
        return seconds(ms) + ", " + Results.compact(readings / (ms / 1000)) + " readings/s";
    }

    private static String seconds(double ms) {
        return Double.isNaN(ms) ? "not measured" : String.format(Locale.ROOT, "%.0f s", ms / 1000);
    }

    private static String bytes(long n) {
        return n < 0 ? "?" : String.format(Locale.ROOT, "%.2f GB", n / 1e9);
    }

    private void targets(StringBuilder b) {
        b.append("\n| read target (issue 13) | measured | met |\n|---|---|---|\n");
        for (Party p : List.of(Party.SQL, Party.HTTP)) {
            Cell live = cells.getOrDefault(Kind.LIVE_1H, Map.of()).get(p);
            double ms = live == null ? Double.NaN : Figure.median(live.larger.stream().mapToDouble(d -> d).toArray());
            Results.target(b, "live rollup of one series, 1 h, " + p.title + ", at " + larger + " < 5 ms",
                    millis(ms).isEmpty() ? "NaN" : millis(ms) + " ms", ms < 5);
            double ratio = live == null ? Double.NaN : live.ratio();
            Results.target(b, "the same, " + larger + "/" + smaller + " <= 1.2",
                    String.format(Locale.ROOT, "%.2f", ratio), ratio <= 1.2);
            Cell latest = cells.getOrDefault(Kind.LATEST, Map.of()).get(p);
            double l = latest == null ? Double.NaN
                    : Figure.median(latest.larger.stream().mapToDouble(d -> d).toArray());
            Results.target(b, "latest value of every series, " + p.title + ", at " + larger + " < 10 ms",
                    millis(l).isEmpty() ? "NaN" : millis(l) + " ms", l < 10);
        }
    }
}
