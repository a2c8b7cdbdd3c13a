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
    /** Every column {@link #MAPPER} reads; append a WHERE clause. */
    static final String SELECT = """
            SELECT a.id, a.rule, a.series_id, s.sensor, s.metric, s.tags, a.severity, a.message, a.ts, a.value,
                   a.fired_at, a.resolved_at, a.resolution, a.resolved_ts, a.resolved_value
            FROM alerts a JOIN series s ON s.id = a.series_id""";

    static final RowMapper<Alert> MAPPER = (rs, ctx) -> read(rs);

    private AlertRows() {}

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
