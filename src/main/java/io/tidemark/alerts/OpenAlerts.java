package io.tidemark.alerts;

import io.tidemark.time.EpochMicros;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** A rule's open alerts read back from the table, as the state a new owner starts from when it has no checkpoint. */
final class OpenAlerts {
    private static final String OPEN = AlertRows.SELECT + " WHERE a.resolved_at IS NULL AND a.rule = :rule";

    private OpenAlerts() {}

    /**
     * The state of {@code rule} with each of its open alerts open, as if its condition had just held long enough:
     * it resolves at the next reading that clears it. Alerts on series the rule no longer covers are added to
     * {@code removed}, to be resolved.
     */
    static RuleState load(Jdbi jdbi, AlertRule rule, List<Transition> removed) {
        RuleState state = new RuleState();
        for (Alert a : jdbi.withHandle(h -> h.createQuery(OPEN).bind("rule", rule.name()).map(AlertRows.MAPPER)
                .list())) {
            if (rule.appliesTo(a.sensor(), a.metric(), a.tags())) {
                long ts = EpochMicros.of(a.ts());
                state.put(a.seriesId(), new RuleProgress(rule.forReadings(), ts - rule.forMicros(), ts, a.id()));
            } else {
                removed.add(Transition.ruleRemoved(a.seriesId(), a.id()));
            }
        }
        return state;
    }
}
