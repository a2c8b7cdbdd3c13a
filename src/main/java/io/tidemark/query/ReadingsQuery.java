package io.tidemark.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.tidemark.names.Tags;
import io.tidemark.time.EpochMicros;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code GET /api/v1/readings?sensor=&metric=&tags=&from=&to=&limit=}: the raw readings of one series in
 * {@code [from, to)}, oldest first, at most {@code limit}. The series is named exactly: {@code metric} defaults to
 * {@code value} as on ingest, {@code tags} (a JSON object) to none, {@code from} to an hour
 * before {@code to} (or before now), {@code to} to no bound. When more readings are in range, {@code truncated} is
 * true and {@code next_from} is the time of the first reading left out: ask again with {@code from=next_from}
 * (readings sharing that exact time with the last one returned are then returned again).
 */
public final class ReadingsQuery {
    static final int DEFAULT_LIMIT = 1000;
    static final int MAX_LIMIT = 10_000;
    static final long DEFAULT_SPAN_MICROS = 3_600_000_000L;
    private static final Set<String> PARAMETERS = Set.of("sensor", "metric", "tags", "from", "to", "limit");
    /** The upper bound when {@code to} is absent: no reading is this late (ingest rejects far-future readings). */
    private static final OffsetDateTime END_OF_TIME = OffsetDateTime.of(9999, 12, 31, 0, 0, 0, 0, ZoneOffset.UTC);

    private static final String SERIES = """
            SELECT id FROM series
            WHERE identity = tidemark_series_identity(:sensor, :metric, CAST(:tags AS jsonb))""";
    private static final String RANGE = """
            SELECT ts, value FROM readings
            WHERE series_id = :series_id AND ts >= :from AND ts < :to
            ORDER BY ts
            LIMIT :limit""";

    public record Reading(Instant ts, double value) {}

    public record Answer(String sensor, String metric, @JsonInclude(JsonInclude.Include.NON_EMPTY) Tags tags,
            Instant from, Instant to, List<Reading> readings,
            boolean truncated, @JsonProperty("next_from") Instant nextFrom) {}

    private final Jdbi jdbi;
    private final Clock clock;

    public ReadingsQuery(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    public Answer answer(Map<String, List<String>> params) {
        QueryParameters p = new QueryParameters(params, PARAMETERS);
        String sensor = p.requiredName("sensor");
        String metric = Optional.ofNullable(p.name("metric")).orElse("value");
        Tags tags = Optional.ofNullable(p.tags("tags")).orElse(Tags.NONE);
        Long from = p.time("from");
        Long to = p.time("to");
        int limit = p.limit("limit", DEFAULT_LIMIT, MAX_LIMIT);
        if (from != null && to != null && from >= to) {
            p.problem("to", "must be after from: the range is [from, to)");
        }
        p.validate();
        long end = to != null ? to : EpochMicros.of(clock.instant());
        long fromMicros = from != null ? from : end - DEFAULT_SPAN_MICROS;
        Instant fromTime = EpochMicros.toInstant(fromMicros);
        Instant toTime = to == null ? null : EpochMicros.toInstant(to);
        return jdbi.withHandle(h -> {
            Integer seriesId = h.createQuery(SERIES).bind("sensor", sensor).bind("metric", metric)
                    .bind("tags", tags.json()).mapTo(Integer.class).findOne()
                    .orElseThrow(() -> new UnknownSeriesException(sensor, metric, tags));
            List<Reading> rows = h.createQuery(RANGE).bind("series_id", seriesId)
                    .bind("from", fromTime.atOffset(ZoneOffset.UTC))
                    .bind("to", toTime == null ? END_OF_TIME : toTime.atOffset(ZoneOffset.UTC))
                    .bind("limit", limit + 1)
                    .map((rs, ctx) -> new Reading(rs.getObject("ts", OffsetDateTime.class).toInstant(),
                            rs.getDouble("value")))
                    .list();
            boolean truncated = rows.size() > limit;
            return new Answer(sensor, metric, tags, fromTime, toTime, truncated ? rows.subList(0, limit) : rows,
                    truncated, truncated ? rows.get(limit).ts() : null);
        });
    }
}
