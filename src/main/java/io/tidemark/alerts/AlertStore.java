package io.tidemark.alerts;

import io.tidemark.feed.FeedAppender;
import io.tidemark.feed.FeedCodec;
import io.tidemark.feed.FeedKind;
import io.tidemark.time.EpochMicros;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Writes alert transitions to the {@code alerts} table inside the caller's transaction and returns what was stored,
 * as events built from the rows themselves (so the stream and the webhook say exactly what the table says); then
 * appends those events to the feed. Writes are idempotent: a firing inserts by its id, and not where its rule already
 * has an alert open on the series (the table allows one); a resolving updates only an open row.
 */
final class AlertStore {
    private static final String FIRE = """
            WITH changed AS (
                INSERT INTO alerts (id, rule, series_id, severity, message, ts, value, fired_at)
                VALUES (:id, :rule, :series_id, :severity, :message, :ts, :value, :fired_at)
                ON CONFLICT DO NOTHING RETURNING *
            )
            """ + AlertRows.SELECT_CHANGED;
    private static final String OPEN_ID = """
            SELECT id FROM alerts WHERE rule = :rule AND series_id = :series_id AND resolved_at IS NULL""";
    private static final String RESOLVE = """
            WITH changed AS (
                UPDATE alerts SET resolved_at = :resolved_at, resolution = :resolution, resolved_ts = :resolved_ts,
                                  resolved_value = :resolved_value
                WHERE id = :id AND resolved_at IS NULL RETURNING *
            )
            """ + AlertRows.SELECT_CHANGED;

    private AlertStore() {}

    /**
     * Stores {@code transitions} of {@code rule} at {@code now}. A firing that finds its rule's alert already open on
     * the series (stored before this node took the rule, say) stores nothing and adopts that alert in
     * {@code state}, so that its resolving resolves the alert that is open.
     */
    static List<AlertEvent> store(Handle h, AlertRule rule, List<Transition> transitions, RuleState state,
            Instant now) {
        List<AlertEvent> events = new ArrayList<>();
        for (Transition t : transitions) {
            if (t.kind() == AlertEvent.Kind.FIRED) {
                List<Alert> stored = h.createQuery(FIRE).bind("id", t.id()).bind("rule", rule.name())
                        .bind("series_id", t.seriesId()).bind("severity", rule.severity())
                        .bind("message", rule.message()).bind("ts", AlertRows.utc(EpochMicros.toInstant(t.tsMicros())))
                        .bind("value", t.value()).bind("fired_at", AlertRows.utc(now)).map(AlertRows.MAPPER).list();
                if (stored.isEmpty()) {
                    adopt(h, rule.name(), t, state);
                } else {
                    events.add(new AlertEvent(AlertEvent.Kind.FIRED, stored.get(0)));
                }
            } else {
                Instant ts = t.tsMicros() == null ? null : EpochMicros.toInstant(t.tsMicros());
                h.createQuery(RESOLVE).bind("id", t.id()).bind("resolved_at", AlertRows.utc(now))
                        .bind("resolution", t.resolution())
                        .bindByType("resolved_ts", ts == null ? null : AlertRows.utc(ts), OffsetDateTime.class)
                        .bindByType("resolved_value", t.value(), Double.class)
                        .map(AlertRows.MAPPER).findOne()
                        .ifPresent(a -> events.add(new AlertEvent(AlertEvent.Kind.RESOLVED, a)));
            }
        }
        return events;
    }

    /**
     * Appends {@code events} to the feed, so every node's stream carries them; the last statement before COMMIT
     * (see {@link FeedAppender}).
     */
    static void appendToFeed(Handle h, List<AlertEvent> events) {
        if (events.isEmpty()) return;
        List<String> json = events.stream().map(AlertEvent::toJson).toList();
        try {
            FeedAppender.append(h.getConnection(), FeedKind.ALERTS, json.size(), FeedCodec.alerts(json));
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
        }
    }

    private static void adopt(Handle h, String rule, Transition t, RuleState state) {
        UUID open = h.createQuery(OPEN_ID).bind("rule", rule).bind("series_id", t.seriesId()).mapTo(UUID.class)
                .findOne().orElse(null);
        RuleProgress p = state.get(t.seriesId());
        if (p != null && t.id().equals(p.open)) p.open = open != null ? open : t.id();
    }

}
