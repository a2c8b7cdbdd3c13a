package io.tidemark.http;

import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidemark.ingest.IngestService;
import io.tidemark.storage.Database;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /health} (503 while the database is unreachable) and {@code GET /metrics} (Prometheus text). */
final class HealthRoutes {
    private final Database database;
    private final IngestService ingest;
    private final PrometheusMeterRegistry registry;

    HealthRoutes(Database database, IngestService ingest, PrometheusMeterRegistry registry) {
        this.database = database;
        this.ingest = ingest;
        this.registry = registry;
    }

    void health(Context ctx) {
        boolean up = database.isReachable();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "ok" : "unavailable");
        body.put("database", up ? "up" : "down");
        body.put("queue", Map.of("readings", ingest.queuedReadings(), "capacity", ingest.queueCapacity()));
        if (!up) ctx.header("Retry-After", Integer.toString(ErrorResponses.DATABASE_RETRY_AFTER_SECONDS));
        ctx.status(up ? 200 : 503).json(body);
    }

    void metrics(Context ctx) {
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
    }
}
