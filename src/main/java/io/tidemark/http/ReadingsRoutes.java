package io.tidemark.http;

import io.javalin.http.Context;
import io.tidemark.ingest.IngestResult;
import io.tidemark.ingest.IngestService;
import io.tidemark.ingest.format.JsonReadingFormat;
import io.tidemark.ingest.format.ReadingFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /api/v1/readings}: hands the body to ingest and answers once the readings are committed. The answer
 * waits on a future, not on a thread, so thousands of requests can wait for one group commit.
 */
final class ReadingsRoutes {
    /** A refused body is read to its end if it is at most this many times max_body_bytes; beyond, the line is cut. */
    private static final long DRAIN_LIMIT_FACTOR = 4;

    private final IngestService ingest;
    private final long maxBodyBytes;
    private final ReadingFormat json = new JsonReadingFormat(JsonReadingFormat.Layout.DOCUMENT);
    private final ReadingFormat ndjson = new JsonReadingFormat(JsonReadingFormat.Layout.LINES);

    ReadingsRoutes(IngestService ingest, long maxBodyBytes) {
        this.ingest = ingest;
        this.maxBodyBytes = maxBodyBytes;
    }

    void post(Context ctx) throws IOException {
        CompletableFuture<IngestResult> committed;
        try {
            ReadingFormat format = format(ctx);
            committed = ingest.ingest(RequestBodies.open(ctx, maxBodyBytes), format, ctx.header("Idempotency-Key"));
        } catch (IOException | RuntimeException refused) {
            RequestBodies.drain(ctx, DRAIN_LIMIT_FACTOR * maxBodyBytes);
            throw refused;
        }
        ctx.future(() -> committed.handle((result, error) -> {
            if (error != null) {
                ErrorResponses.respond(ctx, error);
            } else {
                if (result.replayed()) ctx.header("Idempotent-Replayed", "true");
                // Written as bytes: the most frequent answer of all, and ctx.json() costs a serializer and a copy.
                ctx.contentType("application/json")
                        .result(("{\"accepted\":" + result.accepted() + "}").getBytes(StandardCharsets.US_ASCII));
            }
            return null;
        }));
    }

    private ReadingFormat format(Context ctx) {
        return switch (RequestBodies.mediaType(ctx)) {
            case "application/json" -> json;
            case "application/x-ndjson", "application/ndjson", "application/jsonl" -> ndjson;
            default -> throw new UnsupportedMediaTypeException("Content-Type "
                    + (ctx.contentType() == null ? "is missing" : "'" + ctx.contentType() + "' is not supported")
                    + "; send application/json (an object or an array) or application/x-ndjson (one object a line)");
        };
    }
}
