package io.tidemark.http;

import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidemark.ingest.IngestService;
import io.tidemark.ingest.WriteRefusal;
import io.tidemark.storage.Database;
import io.tidemark.storage.DatabaseOutOfResourcesException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /health} (open to all; 503 while the database is unreachable, or while writes are refused because it
 * is out of disk space or memory) and {@code GET /metrics} (Prometheus text, scope {@code metrics}).
 */
final class HealthRoutes {
    private final Database database;
    private final IngestService ingest;
    private final PrometheusMeterRegistry registry;

    HealthRoutes(Database database, IngestService ingest, PrometheusMeterRegistry registry) {
        this.database = database;
        this.ingest = ingest;
        this.registry = registry;
    }

    /**
     * Open to everyone (load balancers), showing only the status and the queue depth; the database and why writes
     * are refused only to a credential (or an anonymous grant) with scope {@code metrics}, like the metrics.
     */
    void health(Context ctx, boolean details) {
        boolean up = database.isReachable();
        Optional<WriteRefusal> refusal = ingest.refusal();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", !up ? "unavailable" : refusal.isPresent() ? "degraded" : "ok");
        if (details) body.put("database", up ? "up" : "down");
        body.put("queue", Map.of("readings", ingest.queuedReadings(), "capacity", ingest.queueCapacity()));
        if (details) body.put("writes", refusal.map(HealthRoutes::refused).orElse(Map.of("status", "ok")));
        if (!up) {
            ctx.header("Retry-After", Integer.toString(ErrorResponses.DATABASE_RETRY_AFTER_SECONDS));
        } else if (refusal.isPresent()) {
            ctx.header("Retry-After", Integer.toString(DatabaseOutOfResourcesException.RETRY_AFTER_SECONDS));
        }
        ctx.status(up && refusal.isEmpty() ? 200 : 503).json(body);
    }

    private static Map<String, Object> refused(WriteRefusal refusal) {
        Map<String, Object> writes = new LinkedHashMap<>();
        writes.put("status", "refused");
        writes.put("reason", refusal.shortage().reason());
        writes.put("message", refusal.shortage().describe());
        writes.put("since", refusal.since().toString());
        writes.put("refused_requests", refusal.refusedRequests());
        return writes;
    }

    void metrics(Context ctx) {
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
    }
}
