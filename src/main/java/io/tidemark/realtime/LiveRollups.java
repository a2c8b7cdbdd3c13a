package io.tidemark.realtime;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * Always-fresh rollup queries: materialized buckets where the rollup is provably up to date, buckets computed from
 * the source everywhere else (the SQL function {@code rollup_live}, so psql users get the same answer).
 */
public final class LiveRollups {
    /** One bucket [start, start + width) of one series. */
    public record Bucket(Instant start, long count, double sum, double min, double max, double avg) {}

    /** The buckets of one metric of the sensor asked for, oldest first. */
    public record SeriesBuckets(String sensor, String metric, List<Bucket> buckets) {}

    private final Jdbi jdbi;

    public LiveRollups(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** True when {@code job} is an incremental job the live functions can read. */
    public boolean exists(String job) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM job_state WHERE job = :job")
                .bind("job", job).mapTo(Integer.class).one() > 0);
    }

    /**
     * The live buckets of {@code job} for {@code sensor}, one metric or ({@code metric} null) each of them, for every
     * whole bucket overlapping [from, to).
     */
    public List<SeriesBuckets> query(String job, String sensor, String metric, Instant from, Instant to) {
        Map<String, List<Bucket>> byMetric = new LinkedHashMap<>();
        jdbi.useHandle(h -> h.createQuery("""
                        SELECT metric, bucket, count, sum, min, max, avg
                        FROM rollup_live(:job, :sensor, :metric, :from, :to)""")
                .bind("job", job).bind("sensor", sensor).bind("metric", metric)
                .bind("from", OffsetDateTime.ofInstant(from, ZoneOffset.UTC))
                .bind("to", OffsetDateTime.ofInstant(to, ZoneOffset.UTC))
                .map((rs, ctx) -> byMetric.computeIfAbsent(rs.getString(1), m -> new ArrayList<>()).add(new Bucket(
                        rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getLong(3), rs.getDouble(4),
                        rs.getDouble(5), rs.getDouble(6), rs.getDouble(7))))
                .list());
        List<SeriesBuckets> result = new ArrayList<>();
        byMetric.forEach((m, buckets) -> result.add(new SeriesBuckets(sensor, m, buckets)));
        return result;
    }
}
