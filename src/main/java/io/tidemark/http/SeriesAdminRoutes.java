package io.tidemark.http;

import io.javalin.http.Context;
import io.tidemark.ingest.IngestService;
import io.tidemark.storage.SeriesRegistry;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /admin/series}: cardinality at a glance, the series table's size and this node's series cache. */
final class SeriesAdminRoutes {
    private final IngestService ingest;

    SeriesAdminRoutes(IngestService ingest) {
        this.ingest = ingest;
    }

    void show(Context ctx) {
        SeriesRegistry.Stats s = ingest.seriesStats();
        long lookups = s.cacheHits() + s.cacheMisses();
        Map<String, Object> cache = new LinkedHashMap<>();
        cache.put("size", s.cached());
        cache.put("capacity", s.cacheCapacity());
        cache.put("hits", s.cacheHits());
        cache.put("misses", s.cacheMisses());
        cache.put("hit_rate", lookups == 0 ? null : (double) s.cacheHits() / lookups);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("series", s.series());
        body.put("created_by_this_node", s.createdHere());
        body.put("max_new_series_per_minute", ingest.maxNewSeriesPerMinute());
        body.put("cache", cache);
        ctx.json(body);
    }
}
