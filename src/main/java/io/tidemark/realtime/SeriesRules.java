package io.tidemark.realtime;

import java.util.List;

/**
 * The rules that apply to one series and where each stands on it. Worked out once per series (matching every rule's
 * globs) and cached, so a reading costs a map lookup plus its own rules, however many rules there are.
 *
 * <p>Thread-safe: several writer threads may commit readings of the same series, so evaluation is synchronized on
 * this object; the lock is uncontended in the common case and held only for in-memory work.
 */
final class SeriesRules {
    /** Shared by every series no rule applies to. */
    static final SeriesRules NONE = new SeriesRules(0, "", "", List.of());

    /** Receives the firing and resolving of a rule on this series, under the lock; must not block. */
    interface Transitions {
        void fired(SeriesRules series, AlertRule rule, RuleState state, long tsMicros, double value);

        void resolved(SeriesRules series, AlertRule rule, RuleState state, long tsMicros, double value);
    }

    final int seriesId;
    final String sensor;
    final String metric;
    private final AlertRule[] rules;
    private final RuleState[] states;

    SeriesRules(int seriesId, String sensor, String metric, List<AlertRule> rules) {
        this.seriesId = seriesId;
        this.sensor = sensor;
        this.metric = metric;
        this.rules = rules.toArray(AlertRule[]::new);
        this.states = new RuleState[this.rules.length];
        for (int i = 0; i < states.length; i++) states[i] = new RuleState();
    }

    static SeriesRules match(int seriesId, String sensor, String metric, List<AlertRule> all) {
        List<AlertRule> applicable = all.stream().filter(r -> r.appliesTo(sensor, metric)).toList();
        return applicable.isEmpty() ? NONE : new SeriesRules(seriesId, sensor, metric, applicable);
    }

    boolean isEmpty() {
        return rules.length == 0;
    }

    synchronized void evaluate(long tsMicros, double value, Transitions transitions) {
        for (int i = 0; i < rules.length; i++) {
            RuleState state = states[i];
            switch (state.step(rules[i], tsMicros, value)) {
                case FIRE -> transitions.fired(this, rules[i], state, tsMicros, value);
                case RESOLVE -> transitions.resolved(this, rules[i], state, tsMicros, value);
                default -> { }
            }
        }
    }

    /** Resumes an alert left open by an earlier run; false if {@code ruleName} does not apply to this series. */
    synchronized boolean resume(String ruleName, OpenAlert alert) {
        for (int i = 0; i < rules.length; i++) {
            if (rules[i].name().equals(ruleName)) {
                states[i].resume(rules[i], alert);
                return true;
            }
        }
        return false;
    }
}
