package io.tidemark.query;

import io.tidemark.names.Tags;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code GET /api/v1/latest?sensor=&metric=&tags=&limit=&after=}: the newest reading of every series whose sensor
 * and metric match the globs and whose tags contain {@code tags}, from the {@code latest} table the write transaction
 * keeps; in the order and pages of {@code GET /api/v1/series} (byte order of sensor and metric, then id; {@code after}
 * is the previous page's {@code next}). A series appears once it has a reading; one whose readings retention dropped
 * has none.
 */
public final class LatestQuery {
    private static final Set<String> PARAMETERS = Set.of("sensor", "metric", "tags", "limit", "after");

    /** A sensor glob with a fixed start (boiler-*) reads a range of the series index: LIKE under "C" is a range. */
    private static final String PAGE = """
            SELECT s.id, s.sensor, s.metric, s.tags, l.ts, l.value
            FROM latest l JOIN series s ON s.id = l.series_id
            WHERE (CAST(:sensor AS text) IS NULL OR s.sensor COLLATE "C" LIKE :sensor)
              AND (CAST(:metric AS text) IS NULL OR s.metric COLLATE "C" LIKE :metric)
              AND (CAST(:tags AS jsonb) IS NULL OR s.tags @> CAST(:tags AS jsonb))
              AND (s.sensor COLLATE "C", s.metric COLLATE "C", s.id)
                  > (:after_sensor COLLATE "C", :after_metric COLLATE "C", :after_id)
            ORDER BY s.sensor COLLATE "C", s.metric COLLATE "C", s.id
            LIMIT :limit""";

    /** The tags as in {@code GET /api/v1/series}: always there, {@code {}} for none. */
    public record Latest(String sensor, String metric, Tags tags, Instant ts, double value) {}

    /** A page; {@code next} is null on the last one. */
    public record Page(List<Latest> series, String next) {}

    private record Row(int id, Latest latest) {}

    private final Jdbi jdbi;

    public LatestQuery(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Page answer(Map<String, List<String>> params) {
        QueryParameters p = new QueryParameters(params, PARAMETERS);
        Glob sensor = p.glob("sensor");
        Glob metric = p.glob("metric");
        Tags tags = p.tags("tags");
        int limit = p.limit("limit", SeriesQuery.DEFAULT_LIMIT, SeriesQuery.MAX_LIMIT);
        String after = p.text("after");
        SeriesQuery.Cursor cursor = after == null ? SeriesQuery.Cursor.FIRST : SeriesQuery.Cursor.decode(after);
        if (cursor == null) p.problem("after", "is not the 'next' value of an earlier page");
        p.validate();
        List<Row> rows = jdbi.withHandle(h -> h.createQuery(PAGE)
                .bind("sensor", sensor.matchesAll() ? null : sensor.toSqlLike())
                .bind("metric", metric.matchesAll() ? null : metric.toSqlLike())
                .bind("tags", tags == null ? null : tags.json())
                .bind("after_sensor", cursor.sensor()).bind("after_metric", cursor.metric())
                .bind("after_id", cursor.id()).bind("limit", limit + 1)
                .map((rs, ctx) -> new Row(rs.getInt("id"), new Latest(rs.getString("sensor"), rs.getString("metric"),
                        Tags.parse(rs.getString("tags")), rs.getObject("ts", OffsetDateTime.class).toInstant(),
                        rs.getDouble("value"))))
                .list());
        List<Latest> page = rows.stream().limit(limit).map(Row::latest).toList();
        if (rows.size() <= limit) return new Page(page, null);
        Row last = rows.get(limit - 1);
        return new Page(page,
                new SeriesQuery.Cursor(last.latest().sensor(), last.latest().metric(), last.id()).encode());
    }
}
