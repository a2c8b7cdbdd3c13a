package io.tidemark.realtime;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
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

    private static final String LIST = """
            SELECT a.id, a.rule, a.series_id, s.sensor, s.metric, a.severity, a.message, a.ts, a.value, a.fired_at,
                   a.resolved_at, a.resolution, a.resolved_ts, a.resolved_value
            FROM alerts a JOIN series s ON s.id = a.series_id
            WHERE (:state = 'all' OR (:state = 'open') = (a.resolved_at IS NULL))
              AND (CAST(:sensor AS text) IS NULL OR s.sensor LIKE :sensor)
              AND (CAST(:metric AS text) IS NULL OR s.metric LIKE :metric)
              AND (CAST(:rule AS text) IS NULL OR a.rule = :rule)
              AND (CAST(:since AS timestamptz) IS NULL OR a.fired_at >= :since)
            ORDER BY a.fired_at DESC, a.id
            LIMIT :limit""";

    record Answer(List<Alert> alerts, boolean truncated) {}

    private final Jdbi jdbi;

    AlertsQuery(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Object answer(Map<String, List<String>> params) {
        QueryParameters p = new QueryParameters(params, PARAMETERS);
        String state = p.choice("state", List.of("open", "resolved", "all"), "all");
        String sensor = p.text("sensor");
        String metric = p.text("metric");
        String rule = p.text("rule");
        Long since = p.time("since");
        int limit = p.limit("limit", DEFAULT_LIMIT, MAX_LIMIT);
        p.validate();
        List<Alert> rows = jdbi.withHandle(h -> h.createQuery(LIST)
                .bind("state", state)
                .bindByType("sensor", sensor == null ? null : Glob.of(sensor).toSqlLike(), String.class)
                .bindByType("metric", metric == null ? null : Glob.of(metric).toSqlLike(), String.class)
                .bindByType("rule", rule, String.class)
                .bindByType("since", since == null ? null : Alert.instant(since).atOffset(ZoneOffset.UTC),
                        OffsetDateTime.class)
                .bind("limit", limit + 1)
                .map((rs, ctx) -> read(rs))
                .list());
        boolean truncated = rows.size() > limit;
        return new Answer(truncated ? rows.subList(0, limit) : rows, truncated);
    }

    /** An alert from a row with the columns of {@link #LIST}. */
    static Alert read(ResultSet rs) throws SQLException {
        return new Alert(rs.getObject("id", UUID.class), rs.getString("rule"), rs.getInt("series_id"),
                rs.getString("sensor"), rs.getString("metric"), rs.getString("severity"), rs.getString("message"),
                instant(rs.getObject("ts", OffsetDateTime.class)), rs.getDouble("value"),
                instant(rs.getObject("fired_at", OffsetDateTime.class)),
                instant(rs.getObject("resolved_at", OffsetDateTime.class)), rs.getString("resolution"),
                instant(rs.getObject("resolved_ts", OffsetDateTime.class)), rs.getObject("resolved_value", Double.class));
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
