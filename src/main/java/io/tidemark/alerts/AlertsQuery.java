package io.tidemark.alerts;

import io.tidemark.query.Glob;
import io.tidemark.query.QueryParameters;
import io.tidemark.time.EpochMicros;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code GET /api/v1/alerts?state=open|resolved|all&sensor=&metric=&rule=&since=&limit=}: alerts, newest first.
 * {@code sensor} and {@code metric} are globs as in rules; {@code since} keeps alerts fired at or after it.
 * Defaults: all states, the 100 newest. {@code truncated} says whether more matched.
 */
public final class AlertsQuery {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    private static final Set<String> PARAMETERS = Set.of("state", "sensor", "metric", "rule", "since", "limit");

    private static final String LIST = AlertRows.SELECT + """

            WHERE (:state = 'all' OR (:state = 'open') = (a.resolved_at IS NULL))
              AND (CAST(:sensor AS text) IS NULL OR s.sensor LIKE :sensor)
              AND (CAST(:metric AS text) IS NULL OR s.metric LIKE :metric)
              AND (CAST(:rule AS text) IS NULL OR a.rule = :rule)
              AND (CAST(:since AS timestamptz) IS NULL OR a.fired_at >= :since)
            ORDER BY a.fired_at DESC, a.id
            LIMIT :limit""";

    /** A page of alerts, newest first; {@code truncated} when more matched than {@code limit}. */
    public record Answer(List<Alert> alerts, boolean truncated) {}

    private final Jdbi jdbi;

    public AlertsQuery(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Answer answer(Map<String, List<String>> params) {
        QueryParameters p = new QueryParameters(params, PARAMETERS);
        String state = p.choice("state", List.of("open", "resolved", "all"), "all");
        String sensor = p.text("sensor");
        String metric = p.text("metric");
        String rule = p.name("rule");
        Long since = p.time("since");
        int limit = p.limit("limit", DEFAULT_LIMIT, MAX_LIMIT);
        p.validate();
        List<Alert> rows = jdbi.withHandle(h -> h.createQuery(LIST)
                .bind("state", state)
                .bindByType("sensor", sensor == null ? null : Glob.of(sensor).toSqlLike(), String.class)
                .bindByType("metric", metric == null ? null : Glob.of(metric).toSqlLike(), String.class)
                .bindByType("rule", rule, String.class)
                .bindByType("since", since == null ? null : EpochMicros.toUtc(since), OffsetDateTime.class)
                .bind("limit", limit + 1)
                .map(AlertRows.MAPPER)
                .list());
        boolean truncated = rows.size() > limit;
        return new Answer(truncated ? rows.subList(0, limit) : rows, truncated);
    }
}
