package io.tidemark.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tidemark.config.Durations;
import io.tidemark.names.Tags;
import io.tidemark.time.EpochMicros;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code GET /api/v1/rollups/{width}?sensor=&metric=&tags=&from=&to=}: always-fresh buckets of rollup
 * {@code rollup_<width>} for each series of one sensor: of one metric or (without {@code metric}) each of them, and of
 * every tag set or (with {@code tags}, a JSON object) those that contain it. Materialized buckets where the rollup is
 * provably up to date, buckets computed from the source everywhere else: the SQL function {@code rollup_live}, so
 * psql users get the same answer. Every whole bucket overlapping {@code [from, to)}; {@code to} defaults to now,
 * {@code from} to 60 buckets before it.
 */
public final class LiveRollups {
    static final int DEFAULT_BUCKETS = 60;
    /** At most this many buckets per series in one answer. */
    static final int MAX_BUCKETS = 10_000;
    private static final Set<String> PARAMETERS = Set.of("sensor", "metric", "tags", "from", "to");
    private static final String LIVE = """
            SELECT metric, tags, bucket, count, sum, min, max, avg
            FROM rollup_live(:job, :sensor, :metric, :from, :to, CAST(:tags AS jsonb))""";

    /** One bucket [start, start + width) of one series. */
    public record Bucket(Instant start, long count, double sum, double min, double max, double avg) {}

    /** The buckets of one series of the sensor asked for, oldest first. */
    public record SeriesBuckets(String sensor, String metric, @JsonInclude(JsonInclude.Include.NON_EMPTY) Tags tags,
            List<Bucket> buckets) {}

    public record Answer(String rollup, String sensor, Instant from, Instant to, List<SeriesBuckets> series) {}

    private final Jdbi jdbi;
    private final Clock clock;

    public LiveRollups(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    public Answer answer(String width, Map<String, List<String>> params) {
        String job = "rollup_" + width;
        Duration bucket = bucketWidth(width);
        QueryParameters p = new QueryParameters(params, PARAMETERS);
        String sensor = p.requiredName("sensor");
        String metric = p.name("metric");
        Tags tags = p.tags("tags");
        Long fromMicros = p.time("from");
        Long toMicros = p.time("to");
        p.validate();
        Instant to = toMicros == null ? clock.instant() : EpochMicros.toInstant(toMicros);
        Instant from = fromMicros == null ? to.minus(bucket.multipliedBy(DEFAULT_BUCKETS))
                : EpochMicros.toInstant(fromMicros);
        if (!from.isBefore(to)) p.problem("to", "must be after from: the range is [from, to)");
        else if (Duration.between(from, to).dividedBy(bucket) > MAX_BUCKETS) {
            p.problem("from", "from..to spans more than " + MAX_BUCKETS + " buckets of " + width
                    + "; narrow the range or use a coarser rollup");
        }
        p.validate();
        return new Answer(job, sensor, from, to, query(job, sensor, metric, tags, from, to));
    }

    private Duration bucketWidth(String width) {
        Duration bucket;
        try {
            bucket = Durations.parse(width);
        } catch (IllegalArgumentException e) {
            throw new UnknownRollupException(width);
        }
        boolean exists = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM job_state WHERE job = :job")
                .bind("job", "rollup_" + width).mapTo(Integer.class).one() > 0);
        if (!exists) throw new UnknownRollupException(width);
        return bucket;
    }

    /**
     * Rows come ordered by series (metric, tags), then bucket: a new series starts where (metric, tags) changes. Equal
     * tags come back as equal text (jsonb's canonical form), so the text is compared and parsed once per series.
     */
    private List<SeriesBuckets> query(String job, String sensor, String metric, Tags tags, Instant from, Instant to) {
        List<SeriesBuckets> result = new ArrayList<>();
        String[] lastTagsText = {null};
        jdbi.useHandle(h -> h.createQuery(LIVE)
                .bind("job", job).bind("sensor", sensor).bind("metric", metric)
                .bind("tags", tags == null ? null : tags.json())
                .bind("from", OffsetDateTime.ofInstant(from, ZoneOffset.UTC))
                .bind("to", OffsetDateTime.ofInstant(to, ZoneOffset.UTC))
                .map((rs, ctx) -> {
                    String m = rs.getString(1);
                    String t = rs.getString(2);
                    SeriesBuckets last = result.isEmpty() ? null : result.get(result.size() - 1);
                    if (last == null || !last.metric().equals(m) || !t.equals(lastTagsText[0])) {
                        last = new SeriesBuckets(sensor, m, Tags.parse(t), new ArrayList<>());
                        result.add(last);
                        lastTagsText[0] = t;
                    }
                    last.buckets().add(new Bucket(rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getLong(4),
                            rs.getDouble(5), rs.getDouble(6), rs.getDouble(7), rs.getDouble(8)));
                    return last;
                })
                .list());
        return result;
    }
}
