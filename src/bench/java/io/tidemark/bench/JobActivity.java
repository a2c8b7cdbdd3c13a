package io.tidemark.bench;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The scheduled job runs of the main server (jobs on) that overlapped each figure's measurements, by the name the
 * figure was measured under: in a 10 s window, {@code rollup_1m} (every minute) runs about one time in six, so the
 * table says how many runs the figure's windows held rather than leave it to chance unseen.
 */
final class JobActivity {
    /** Runs that overlapped a window, and the seconds of them inside it. */
    record Overlap(long runs, double seconds) {}

    private final Map<String, Overlap> byFigure = new HashMap<>();

    void add(String what, Overlap overlap) {
        byFigure.merge(what, overlap, (a, b) -> new Overlap(a.runs() + b.runs(), a.seconds() + b.seconds()));
    }

    /** "job runs in its windows: 2 (3.4 s)", or "" when the figure was not measured with jobs on. */
    String describe(String what) {
        Overlap o = byFigure.get(what);
        if (o == null) return "";
        return String.format(Locale.ROOT, "job runs in its windows: %d (%.1f s)", o.runs(), o.seconds());
    }
}
