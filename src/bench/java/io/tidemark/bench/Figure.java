package io.tidemark.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** The repeated measurements of one figure of the table; the table shows their median. */
final class Figure {
    /**
     * One measurement. Rates are per second; latencies in milliseconds (NaN where not measured); {@code failed} counts
     * answers of status 400 or above (503s for Tidemark) and broken connections; {@code lost} is acknowledged readings
     * missing from the table (must be 0); {@code unacknowledgedStored} are readings stored whose answer never reached
     * the client (in flight when the load stopped).
     */
    record Run(double rate, CpuSampler.Usage cpu, double p50Millis, double p99Millis, double maxMillis, long failed,
            long lost, long unacknowledgedStored) {
        static Run of(double rate, CpuSampler.Usage cpu) {
            return new Run(rate, cpu, Double.NaN, Double.NaN, Double.NaN, 0, 0, 0);
        }
    }

    final String title;
    final String unit;
    final List<Run> runs = new ArrayList<>();

    Figure(String title, String unit) {
        this.title = title;
        this.unit = unit;
    }

    boolean measured() {
        return !runs.isEmpty();
    }

    double median(ToDoubleFunction<Run> field) {
        return median(runs.stream().mapToDouble(field).toArray());
    }

    double rate() {
        return median(Run::rate);
    }

    /** Median over repetitions of this figure's rate divided by {@code other}'s in the same repetition. */
    double ratioTo(Figure other) {
        int n = Math.min(runs.size(), other.runs.size());
        double[] ratios = new double[n];
        for (int i = 0; i < n; i++) ratios[i] = runs.get(i).rate() / other.runs.get(i).rate();
        return median(ratios);
    }

    /** Like {@link #ratioTo} against the better of two figures in each repetition. */
    double ratioToBest(Figure a, Figure b) {
        int n = Math.min(runs.size(), Math.min(a.runs.size(), b.runs.size()));
        double[] ratios = new double[n];
        for (int i = 0; i < n; i++) {
            ratios[i] = runs.get(i).rate() / Math.max(a.runs.get(i).rate(), b.runs.get(i).rate());
        }
        return median(ratios);
    }

    long totalFailed() {
        return runs.stream().mapToLong(Run::failed).sum();
    }

    long totalLost() {
        return runs.stream().mapToLong(Run::lost).sum();
    }

    static double median(double[] values) {
        if (values.length == 0) return Double.NaN;
        double[] v = values.clone();
        Arrays.sort(v);
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }
}
