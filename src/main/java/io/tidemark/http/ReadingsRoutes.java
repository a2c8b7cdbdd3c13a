package io.tidemark.http;

import io.javalin.http.Context;
import io.tidemark.ingest.IngestResult;
import io.tidemark.ingest.IngestService;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /api/v1/readings}: hands the body to ingest and answers once the readings are committed. The answer
 * waits on a future, not on a thread, so thousands of requests can wait for one group commit.
 */
final class ReadingsRoutes {
    private final IngestService ingest;
    private final long maxBodyBytes;

    ReadingsRoutes(IngestService ingest, long maxBodyBytes) {
        this.ingest = ingest;
        this.maxBodyBytes = maxBodyBytes;
    }

    void post(Context ctx) throws IOException {
        var format = RequestBodies.format(ctx);
        String key = ctx.header("Idempotency-Key");
        CompletableFuture<IngestResult> committed = ingest.ingest(RequestBodies.open(ctx, maxBodyBytes), format, key);
        ctx.future(() -> committed.handle((result, error) -> {
            if (error != null) {
                ErrorResponses.respond(ctx, error);
            } else {
                if (result.replayed()) ctx.header("Idempotent-Replayed", "true");
                ctx.json(Map.of("accepted", result.accepted()));
            }
            return null;
        }));
    }
}
