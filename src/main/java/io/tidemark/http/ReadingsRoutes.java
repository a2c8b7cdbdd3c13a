package io.tidemark.http;

import io.tidemark.ingest.IngestResult;
import io.tidemark.ingest.IngestService;
import io.tidemark.ingest.WriteOrigin;
import io.tidemark.ingest.format.JsonReadingFormat;
import io.tidemark.ingest.format.ReadingFormat;
import java.nio.charset.StandardCharsets;

/**
 * {@code POST /api/v1/readings}: hands the body to ingest and answers once the readings are committed. Neither the
 * body nor the answer waits on a thread: the body is read as it arrives, the answer waits on the commit's future,
 * so thousands of slow clients or requests in one group commit cost no threads.
 */
final class ReadingsRoutes {
    static final String WRITE = "/api/v1/readings";
    private final IngestService ingest;
    private final RequestBodies bodies;
    private final ReadingFormat json = new JsonReadingFormat(JsonReadingFormat.Layout.DOCUMENT);
    private final ReadingFormat ndjson = new JsonReadingFormat(JsonReadingFormat.Layout.LINES);

    ReadingsRoutes(IngestService ingest, RequestBodies bodies) {
        this.ingest = ingest;
        this.bodies = bodies;
    }

    void post(JettyExchange ctx) {
        ReadingFormat format;
        try {
            format = format(ctx);
            bodies.checkAnnounced(ctx);
            ingest.checkAdmission();
        } catch (Exception refused) {
            bodies.refuse(ctx, refused);
            return;
        }
        String key = ctx.header("Idempotency-Key");
        WriteOrigin origin = AccessControl.origin(ctx);
        bodies.handleAsync(ctx, body -> ingest.ingest(bodies.decoded(ctx, body), format, key, origin),
                ReadingsRoutes::answer);
    }

    private static void answer(JettyExchange ctx, IngestResult result) {
        if (result.replayed()) ctx.header("Idempotent-Replayed", "true");
        // Written as bytes: the most frequent answer of all, and a JSON serializer would cost more than the rest.
        ctx.send(200, "application/json",
                ("{\"accepted\":" + result.accepted() + "}").getBytes(StandardCharsets.US_ASCII));
    }

    private ReadingFormat format(Exchange ctx) {
        return switch (RequestBodies.mediaType(ctx)) {
            case "application/json" -> json;
            case "application/x-ndjson", "application/ndjson", "application/jsonl" -> ndjson;
            default -> throw new UnsupportedMediaTypeException("Content-Type "
                    + (ctx.contentType() == null ? "is missing" : "'" + ctx.contentType() + "' is not supported")
                    + "; send application/json (an object or an array) or application/x-ndjson (one object a line)");
        };
    }
}
