package io.tidemark.storage;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tidemark.names.Tags;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * Maps series ids back to (sensor, metric, tags), for readings that arrive by id (the feed). Names are cached in a
 * bounded cache; the ids missing from it are read in one query. A series row never changes, and is committed before
 * any reading of it, so a lookup by an id read from a committed row always finds it. Thread-safe.
 */
public final class SeriesNames {
    private final Jdbi jdbi;
    private final Cache<Integer, SeriesKey> cache;

    public SeriesNames(Jdbi jdbi, int cacheSize) {
        this.jdbi = jdbi;
        this.cache = Caffeine.newBuilder().maximumSize(cacheSize).build();
    }

    /** The names of {@code ids}, index for index. */
    public SeriesKey[] of(int[] ids) {
        SeriesKey[] keys = new SeriesKey[ids.length];
        int[] missing = null;
        int m = 0;
        int last = 0;
        SeriesKey lastKey = null;
        for (int i = 0; i < ids.length; i++) {
            if (lastKey != null && ids[i] == last) { // a batch mostly repeats its series in runs
                keys[i] = lastKey;
                continue;
            }
            SeriesKey key = cache.getIfPresent(ids[i]);
            if (key == null) {
                if (missing == null) missing = new int[Math.min(ids.length, 1024)];
                if (m == missing.length) missing = Arrays.copyOf(missing, m * 2);
                missing[m++] = ids[i];
            }
            keys[i] = key;
            last = ids[i];
            lastKey = key;
        }
        if (m == 0) return keys;
        Map<Integer, SeriesKey> loaded = load(Arrays.stream(missing, 0, m).distinct().toArray());
        for (int i = 0; i < ids.length; i++) {
            if (keys[i] == null) {
                keys[i] = loaded.get(ids[i]);
                if (keys[i] == null) throw new IllegalStateException("series " + ids[i] + " not found");
            }
        }
        return keys;
    }

    private Map<Integer, SeriesKey> load(int[] ids) {
        Map<Integer, SeriesKey> loaded = new HashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT id, sensor, metric, tags::text FROM series WHERE id = ANY(:ids)")
                .bind("ids", ids)
                .map((rs, ctx) -> loaded.put(rs.getInt(1),
                        new SeriesKey(rs.getString(2), rs.getString(3), Tags.parse(rs.getString(4)))))
                .list());
        cache.putAll(loaded);
        return loaded;
    }
}
