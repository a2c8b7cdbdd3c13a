package io.tidemark.storage;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.tidemark.names.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * Maps (sensor, metric, tags) to the int id readings are stored under, creating unknown series in bulk.
 *
 * <p>Ids are cached in a bounded cache. Keys not cached are first looked up by their hashed identity (migration V9);
 * only those not found are new, and before they are created the caller's gate may refuse them (a limit on new series),
 * so that a refused request creates nothing. Creation is {@code INSERT ... ON CONFLICT DO NOTHING} on the identity
 * followed by a lookup by the same hash, so several server instances can create the same series at once; keys are
 * inserted in sorted order so two concurrent inserts cannot deadlock. Thread-safe.
 */
public final class SeriesRegistry {
    /** Told how many series a request would create, before they are; may refuse by throwing. */
    @FunctionalInterface
    public interface NewSeriesGate {
        NewSeriesGate OPEN = newSeries -> { };

        void admit(int newSeries);
    }

    private static final String FIND = """
            SELECT s.id, k.i FROM unnest(:sensors::text[], :metrics::text[], :tags::text[]::jsonb[])
                 WITH ORDINALITY AS k(sensor, metric, tags, i)
            JOIN series s ON s.identity = tidemark_series_identity(k.sensor, k.metric, k.tags)""";
    private static final String CREATE = """
            INSERT INTO series (sensor, metric, tags)
            SELECT * FROM unnest(:sensors::text[], :metrics::text[], :tags::text[]::jsonb[])
            ON CONFLICT (identity) DO NOTHING""";

    /**
     * How many series there are and how this node's cache of their ids fares: {@code series} counts the table (one
     * scan of its primary key: about a second at 10M series), the rest is this node's since it started.
     */
    public record Stats(long series, long cached, long cacheCapacity, long cacheHits, long cacheMisses,
            long createdHere) {}

    private final Jdbi jdbi;
    private final Cache<SeriesKey, Integer> cache;
    private final int cacheSize;
    private final Counter created;

    public SeriesRegistry(Jdbi jdbi, int cacheSize, MeterRegistry registry) {
        this.jdbi = jdbi;
        this.cacheSize = cacheSize;
        this.cache = Caffeine.newBuilder().maximumSize(cacheSize).recordStats().build();
        CaffeineCacheMetrics.monitor(registry, cache, "tidemark.series");
        this.created = Counter.builder("tidemark.series.new")
                .description("Series created by this node (first readings of a new sensor, metric and tags)")
                .register(registry);
    }

    /**
     * Returns the id of each (sensors[i], metrics[i], tags[i]) for i in [0, count), creating series that do not
     * exist once {@code gate} has admitted them.
     */
    public int[] resolve(String[] sensors, String[] metrics, Tags[] tags, int count, NewSeriesGate gate) {
        int[] ids = new int[count];
        Map<SeriesKey, List<Integer>> missing = null;
        for (int i = 0; i < count; i++) {
            SeriesKey key = new SeriesKey(sensors[i], metrics[i], tags[i]);
            Integer id = cache.getIfPresent(key);
            if (id != null) {
                ids[i] = id;
            } else {
                if (missing == null) missing = new HashMap<>();
                missing.computeIfAbsent(key, k -> new ArrayList<>(1)).add(i);
            }
        }
        if (missing != null) {
            Map<SeriesKey, Integer> found = findOrCreate(new TreeSet<>(missing.keySet()), gate);
            for (var entry : missing.entrySet()) {
                int id = found.get(entry.getKey());
                cache.put(entry.getKey(), id);
                for (int i : entry.getValue()) ids[i] = id;
            }
        }
        return ids;
    }

    public Stats stats() {
        long series = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM series").mapTo(Long.class).one());
        var cacheStats = cache.stats();
        return new Stats(series, cache.estimatedSize(), cacheSize, cacheStats.hitCount(), cacheStats.missCount(),
                (long) created.count());
    }

    private Map<SeriesKey, Integer> findOrCreate(TreeSet<SeriesKey> keys, NewSeriesGate gate) {
        return jdbi.withHandle(h -> {
            Map<SeriesKey, Integer> found = find(h, new ArrayList<>(keys));
            if (found.size() == keys.size()) return found;
            List<SeriesKey> absent = keys.stream().filter(k -> !found.containsKey(k)).toList(); // still sorted
            gate.admit(absent.size());
            int inserted = bind(h.createUpdate(CREATE), absent).execute();
            created.increment(inserted);
            Map<SeriesKey, Integer> made = find(h, absent);
            if (made.size() != absent.size()) {
                throw new IllegalStateException("series lookup found " + made.size() + " of " + absent.size()
                        + " keys just created");
            }
            found.putAll(made);
            return found;
        });
    }

    private static Map<SeriesKey, Integer> find(Handle h, List<SeriesKey> ordered) {
        Map<SeriesKey, Integer> found = new HashMap<>();
        bind(h.createQuery(FIND), ordered).map((rs, ctx) -> found.put(ordered.get(rs.getInt(2) - 1), rs.getInt(1)))
                .list();
        return found;
    }

    private static <T extends SqlStatement<T>> T bind(T statement, List<SeriesKey> keys) {
        return statement
                .bindArray("sensors", String.class, keys.stream().map(SeriesKey::sensor).toArray())
                .bindArray("metrics", String.class, keys.stream().map(SeriesKey::metric).toArray())
                .bindArray("tags", String.class, keys.stream().map(k -> k.tags().json()).toArray());
    }
}
