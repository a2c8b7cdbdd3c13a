package io.tidemark.storage;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tidemark.names.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jdbi.v3.core.Jdbi;

/**
 * Maps (sensor, metric, tags) to the int id readings are stored under, creating unknown series in bulk.
 *
 * <p>Ids are cached in a bounded cache. Creation is {@code INSERT ... ON CONFLICT DO NOTHING} on the series' hashed
 * identity (migration V9) followed by a lookup by the same hash,
 * so several server instances can create the same series at once; keys are inserted in sorted order so two
 * concurrent inserts cannot deadlock. Thread-safe.
 */
public final class SeriesRegistry {
    private final Jdbi jdbi;
    private final Cache<SeriesKey, Integer> cache;

    public SeriesRegistry(Jdbi jdbi, int cacheSize) {
        this.jdbi = jdbi;
        this.cache = Caffeine.newBuilder().maximumSize(cacheSize).build();
    }

    /**
     * Returns the id of each (sensors[i], metrics[i], tags[i]) for i in [0, count), creating series that do not
     * exist.
     */
    public int[] resolve(String[] sensors, String[] metrics, Tags[] tags, int count) {
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
            Map<SeriesKey, Integer> created = createOrFind(new TreeSet<>(missing.keySet()));
            for (var entry : missing.entrySet()) {
                int id = created.get(entry.getKey());
                cache.put(entry.getKey(), id);
                for (int i : entry.getValue()) ids[i] = id;
            }
        }
        return ids;
    }

    private Map<SeriesKey, Integer> createOrFind(TreeSet<SeriesKey> keys) {
        List<SeriesKey> ordered = new ArrayList<>(keys);
        String[] sensors = ordered.stream().map(SeriesKey::sensor).toArray(String[]::new);
        String[] metrics = ordered.stream().map(SeriesKey::metric).toArray(String[]::new);
        String[] tags = ordered.stream().map(k -> k.tags().json()).toArray(String[]::new);
        return jdbi.withHandle(h -> {
            h.createUpdate("""
                            INSERT INTO series (sensor, metric, tags)
                            SELECT * FROM unnest(:sensors::text[], :metrics::text[], :tags::text[]::jsonb[])
                            ON CONFLICT (identity) DO NOTHING""")
                    .bindArray("sensors", String.class, (Object[]) sensors)
                    .bindArray("metrics", String.class, (Object[]) metrics)
                    .bindArray("tags", String.class, (Object[]) tags)
                    .execute();
            Map<SeriesKey, Integer> found = new HashMap<>();
            h.createQuery("""
                            SELECT s.id, k.i FROM unnest(:sensors::text[], :metrics::text[], :tags::text[]::jsonb[])
                                 WITH ORDINALITY AS k(sensor, metric, tags, i)
                            JOIN series s ON s.identity = tidemark_series_identity(k.sensor, k.metric, k.tags)""")
                    .bindArray("sensors", String.class, (Object[]) sensors)
                    .bindArray("metrics", String.class, (Object[]) metrics)
                    .bindArray("tags", String.class, (Object[]) tags)
                    .map((rs, ctx) -> found.put(ordered.get(rs.getInt(2) - 1), rs.getInt(1)))
                    .list();
            if (found.size() != keys.size()) {
                throw new IllegalStateException("series lookup found " + found.size() + " of " + keys.size() + " keys");
            }
            return found;
        });
    }
}
