package io.tidemark.alerts;

import io.tidemark.feed.FeedEntry;
import io.tidemark.feed.FeedKind;
import io.tidemark.storage.SeriesKey;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;
import java.util.UUID;

/**
 * Evaluates one rule on the feed's readings in commit order, whichever node received them, keeping its
 * {@link RuleState}. Deterministic: the same state and the same rows give the same transitions with the same alert
 * ids, which is what lets a new owner replay the feed from the last checkpoint without firing anything twice.
 *
 * <p>A rule fires at the first reading where its condition has held for {@code forReadings} consecutive readings of
 * the series and for {@code forMicros} from the first of them to this one; it resolves at the first reading where the
 * condition no longer holds. So a long excursion fires once. While a series is part-way (see {@link RuleState}), a
 * reading older than the newest one taken is late and ignored: it is stored, but does not rewrite alert history.
 *
 * <p>Per reading: a bit lookup of whether the rule applies to the series (worked out on first sight of the series),
 * then, where it does, a map lookup and two comparisons. Not thread-safe: one owner at a time.
 */
final class RuleEvaluator {
    private final AlertRule rule;
    private final RuleState state;
    /** Series ids whose applicability is known, and those the rule applies to. */
    private final BitSet seen = new BitSet();
    private final BitSet applies = new BitSet();
    private final byte[] ruleName;

    RuleEvaluator(AlertRule rule, RuleState state) {
        this.rule = rule;
        this.state = state;
        this.ruleName = rule.name().getBytes(StandardCharsets.UTF_8);
    }

    AlertRule rule() {
        return rule;
    }

    RuleState state() {
        return state;
    }

    /** Evaluates the readings of {@code row} (alert rows carry none), adding what fires or resolves to {@code out}. */
    void evaluate(FeedEntry row, List<Transition> out) {
        if (row.kind() != FeedKind.READINGS) return;
        for (int i = 0; i < row.count(); i++) {
            int seriesId = row.seriesId(i);
            if (appliesTo(seriesId, row.series(i))) {
                evaluate(seriesId, row.timestampMicros(i), row.value(i), row.row(), i, out);
            }
        }
    }

    void evaluate(int seriesId, long tsMicros, double value, long feedRow, int index, List<Transition> out) {
        RuleProgress p = state.get(seriesId);
        if (p != null && tsMicros < p.newestMicros) return;
        if (rule.condition().holds(value)) {
            if (p == null) {
                p = new RuleProgress(0, tsMicros, tsMicros, null);
                state.put(seriesId, p);
            }
            p.newestMicros = tsMicros;
            if (p.run < rule.forReadings()) p.run++;
            if (p.open == null && p.run >= rule.forReadings() && tsMicros - p.runStartMicros >= rule.forMicros()) {
                p.open = alertId(seriesId, feedRow, index);
                out.add(Transition.fired(seriesId, p.open, tsMicros, value));
            }
        } else if (p != null) {
            if (p.open != null) out.add(Transition.cleared(seriesId, p.open, tsMicros, value));
            state.remove(seriesId);
        }
    }

    boolean appliesTo(int seriesId, SeriesKey series) {
        if (!seen.get(seriesId)) {
            seen.set(seriesId);
            if (rule.appliesTo(series.sensor(), series.metric(), series.tags())) applies.set(seriesId);
        }
        return applies.get(seriesId);
    }

    /** The id of the alert fired by the reading at ({@code feedRow}, {@code index}): a name-based UUID. */
    UUID alertId(int seriesId, long feedRow, int index) {
        byte[] name = new byte[ruleName.length + 16];
        System.arraycopy(ruleName, 0, name, 0, ruleName.length);
        int at = ruleName.length;
        for (int shift = 24; shift >= 0; shift -= 8) name[at++] = (byte) (seriesId >>> shift);
        for (int shift = 56; shift >= 0; shift -= 8) name[at++] = (byte) (feedRow >>> shift);
        for (int shift = 24; shift >= 0; shift -= 8) name[at++] = (byte) (index >>> shift);
        return UUID.nameUUIDFromBytes(name);
    }
}
