package io.tidemark.query;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.tidemark.names.Names;
import io.tidemark.names.Tags;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code GET /api/v1/series?prefix=&tags=&limit=&after=}: series whose sensor starts with {@code prefix} and whose
 * tags contain {@code tags} (a JSON object), in byte order of (sensor, metric) and then by id, a page at a time.
 * {@code after} is the opaque {@code next} of the previous page (keyset paging: each page is an index range scan,
 * however deep; the tag filter uses the GIN index on tags).
 */
public final class SeriesQuery {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    private static final Set<String> PARAMETERS = Set.of("prefix", "tags", "limit", "after");
    /**
     * U+10FFFF sorts after every character in byte order and never occurs in a name (names reject unassigned code
     * points), so every sensor starting with P lies in [P, P + U+10FFFF).
     */
    private static final String AFTER_EVERY_CHARACTER = new String(Character.toChars(0x10FFFF));

    private static final String PAGE = """
            SELECT id, sensor, metric, tags, created_at FROM series
            WHERE sensor COLLATE "C" >= :low AND sensor COLLATE "C" < :high
              AND (sensor COLLATE "C", metric COLLATE "C", id)
                  > (:after_sensor COLLATE "C", :after_metric COLLATE "C", :after_id)
              AND (CAST(:tags AS jsonb) IS NULL OR tags @> CAST(:tags AS jsonb))
            ORDER BY sensor COLLATE "C", metric COLLATE "C", id
            LIMIT :limit""";

    public record Series(int id, String sensor, String metric, Tags tags,
            @JsonProperty("created_at") Instant createdAt) {}

    /** A page; {@code next} is null on the last one. */
    public record Page(List<Series> series, String next) {}

    private final Jdbi jdbi;

    public SeriesQuery(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Page answer(Map<String, List<String>> params) {
        QueryParameters p = new QueryParameters(params, PARAMETERS);
        String prefix = p.text("prefix");
        Tags tags = p.tags("tags");
        int limit = p.limit("limit", DEFAULT_LIMIT, MAX_LIMIT);
        String after = p.text("after");
        Cursor cursor = after == null ? Cursor.FIRST : Cursor.decode(after);
        if (cursor == null) p.problem("after", "is not the 'next' value of an earlier page");
        p.validate();
        String low = prefix == null ? "" : prefix;
        List<Series> rows = jdbi.withHandle(h -> h.createQuery(PAGE)
                .bind("low", low).bind("high", low + AFTER_EVERY_CHARACTER)
                .bind("after_sensor", cursor.sensor()).bind("after_metric", cursor.metric())
                .bind("after_id", cursor.id()).bind("tags", tags == null ? null : tags.json())
                .bind("limit", limit + 1)
                .map((rs, ctx) -> new Series(rs.getInt("id"), rs.getString("sensor"), rs.getString("metric"),
                        Tags.parse(rs.getString("tags")), rs.getObject("created_at", OffsetDateTime.class).toInstant()))
                .list());
        if (rows.size() <= limit) return new Page(rows, null);
        Series last = rows.get(limit - 1);
        return new Page(rows.subList(0, limit), new Cursor(last.sensor(), last.metric(), last.id()).encode());
    }

    /** Where a page ends: the (sensor, metric, id) of its last series. */
    record Cursor(String sensor, String metric, int id) {
        static final Cursor FIRST = new Cursor("", "", 0);

        /**
         * Names never contain control characters, so line feeds separate the parts unambiguously. A cursor is client
         * text like any other: it decodes only to two valid names and an id, or it is not a cursor (null).
         */
        String encode() {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((sensor + "\n" + metric + "\n" + id).getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String cursor) {
            try {
                String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                String[] parts = text.split("\n", -1);
                if (parts.length != 3 || Names.problem(parts[0]) != null || Names.problem(parts[1]) != null
                        || !parts[2].matches("[0-9]{1,10}")) {
                    return null;
                }
                long id = Long.parseLong(parts[2]);
                return id > Integer.MAX_VALUE ? null : new Cursor(parts[0], parts[1], (int) id);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }
}
