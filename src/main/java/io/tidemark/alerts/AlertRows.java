package io.tidemark.alerts;

import io.tidemark.names.Tags;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.jdbi.v3.core.mapper.RowMapper;

/** Rows of the {@code alerts} table joined with their series, as {@link Alert}s: the store and the listing share it. */
final class AlertRows {
    /** Every column {@link #MAPPER} reads, from {@code alerts}; append a WHERE clause. */
    static final String SELECT = from("alerts");
    /** The same from {@code changed}: the rows a {@code WITH changed AS (... RETURNING *)} wrote. */
    static final String SELECT_CHANGED = from("changed");

    static final RowMapper<Alert> MAPPER = (rs, ctx) -> read(rs);

    private AlertRows() {}

    private static String from(String alerts) {
        return """
                SELECT a.id, a.rule, a.series_id, s.sensor, s.metric, s.tags, a.severity, a.message, a.ts, a.value,
                       a.fired_at, a.resolved_at, a.resolution, a.resolved_ts, a.resolved_value
                FROM %s a JOIN series s ON s.id = a.series_id""".formatted(alerts);
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static Alert read(ResultSet rs) throws SQLException {
        return new Alert(rs.getObject("id", UUID.class), rs.getString("rule"), rs.getInt("series_id"),
                rs.getString("sensor"), rs.getString("metric"), Tags.parse(rs.getString("tags")),
                rs.getString("severity"), rs.getString("message"),
                instant(rs.getObject("ts", OffsetDateTime.class)), rs.getDouble("value"),
                instant(rs.getObject("fired_at", OffsetDateTime.class)),
                instant(rs.getObject("resolved_at", OffsetDateTime.class)), rs.getString("resolution"),
                instant(rs.getObject("resolved_ts", OffsetDateTime.class)),
                rs.getObject("resolved_value", Double.class));
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
