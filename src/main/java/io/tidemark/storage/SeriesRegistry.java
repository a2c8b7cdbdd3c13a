package io.tidemark.storage;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jdbi.v3.core.Jdbi;

/**
 * Maps (sensor, metric) to the int id readings are stored under, creating unknown series in bulk.
 *
 * <p>Ids are cached in a bounded cache. Creation is {@code INSERT ... ON CONFLICT DO NOTHING} followed by a lookup,
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

    /** Returns the id of each (sensors[i], metrics[i]) for i in [0, count), creating series that do not exist. */
    public int[] resolve(String[] sensors, String[] metrics, int count) {
        int[] ids = new int[count];
        Map<SeriesKey, List<Integer>> missing = null;
        for (int i = 0; i < count; i++) {
            SeriesKey key = new SeriesKey(sensors[i], metrics[i]);
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
        String[] sensors = keys.stream().map(SeriesKey::sensor).toArray(String[]::new);
        String[] metrics = keys.stream().map(SeriesKey::metric).toArray(String[]::new);
        return jdbi.withHandle(h -> {
            h.createUpdate("""
                            INSERT INTO series (sensor, metric)
                            SELECT * FROM unnest(:sensors::text[], :metrics::text[])
                            ON CONFLICT (sensor, metric) DO NOTHING""")
                    .bindArray("sensors", String.class, (Object[]) sensors)
                    .bindArray("metrics", String.class, (Object[]) metrics)
                    .execute();
            Map<SeriesKey, Integer> found = new HashMap<>();
            h.createQuery("""
                            SELECT s.id, s.sensor, s.metric FROM series s
                            JOIN unnest(:sensors::text[], :metrics::text[]) AS k(sensor, metric)
                              ON s.sensor = k.sensor AND s.metric = k.metric""")
                    .bindArray("sensors", String.class, (Object[]) sensors)
                    .bindArray("metrics", String.class, (Object[]) metrics)
                    .map((rs, ctx) -> found.put(new SeriesKey(rs.getString(2), rs.getString(3)), rs.getInt(1)))
                    .list();
            if (found.size() != keys.size()) {
                throw new IllegalStateException("series lookup found " + found.size() + " of " + keys.size() + " keys");
            }
            return found;
        });
    }
}
