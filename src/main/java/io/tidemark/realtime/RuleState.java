package io.tidemark.realtime;

/**
 * Where one rule stands on one series: how long its condition has held, and whether it is firing.
 *
 * <p>The rule fires at the first reading where the condition has held for {@code forReadings} consecutive readings
 * and for {@code forMicros} from the first of them to this one; it resolves at the first reading where the condition
 * does not hold. So a long excursion fires once. Readings are taken in commit order; one older than the newest
 * already seen on the series is late and ignored here (it is stored, but does not rewrite alert history).
 *
 * <p>Not thread-safe: guarded by the {@link SeriesRules} that owns it.
 */
final class RuleState {
    enum Step { NONE, FIRE, RESOLVE }

    private long run;
    private long runStartMicros;
    private long lastMicros = Long.MIN_VALUE;
    private boolean firing;
    /** The alert this state is firing, kept so resolving can say what it resolves; set by the owner. */
    OpenAlert open;

    Step step(AlertRule rule, long tsMicros, double value) {
        if (tsMicros < lastMicros) return Step.NONE;
        lastMicros = tsMicros;
        if (!rule.condition().holds(value)) {
            run = 0;
            if (!firing) return Step.NONE;
            firing = false;
            return Step.RESOLVE;
        }
        if (run == 0) runStartMicros = tsMicros;
        if (run < Integer.MAX_VALUE) run++;
        if (!firing && run >= rule.forReadings() && tsMicros - runStartMicros >= rule.forMicros()) {
            firing = true;
            return Step.FIRE;
        }
        return Step.NONE;
    }

    /** Resumes an alert left open by an earlier run of the server: it resolves at the next reading that clears it. */
    void resume(AlertRule rule, OpenAlert alert) {
        firing = true;
        open = alert;
        run = rule.forReadings();
        runStartMicros = alert.tsMicros() - rule.forMicros();
        lastMicros = alert.tsMicros();
    }

    boolean firing() {
        return firing;
    }
}
