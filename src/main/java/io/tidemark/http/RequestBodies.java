package io.tidemark.http;

import io.tidemark.config.HttpConfig;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.BiConsumer;
import java.util.zip.GZIPInputStream;

/**
 * Request bodies, from the first byte to the parser. A body is read as it arrives, without a thread waiting on the
 * client ({@link BodyTransfer}), within {@code http.body_timeout} and the shared {@link BodyBudget}, and then handed
 * over whole: its media type checked, {@code Content-Encoding: gzip} undone, the raw and decompressed sizes bounded
 * by {@code ingest.max_body_bytes}. A request refused before its body is read is answered without asking for it.
 */
final class RequestBodies implements AutoCloseable {
    /** A refused body is read to its end if it is at most this many times max_body_bytes; beyond, the line is cut. */
    private static final long DROP_LIMIT_FACTOR = 4;

    private final HttpConfig config;
    private final long maxBytes;
    private final BodyBudget budget;
    private final ScheduledThreadPoolExecutor deadlines = new ScheduledThreadPoolExecutor(1, r -> {
        Thread thread = new Thread(r, "tidemark-body-deadlines");
        thread.setDaemon(true);
        return thread;
    });

    RequestBodies(HttpConfig config, long maxBytes) {
        this.config = config;
        this.maxBytes = maxBytes;
        this.budget = new BodyBudget(config.maxBufferedBytes());
        // Nearly every deadline is cancelled when its body arrives; without this they would pile up until due.
        deadlines.setRemoveOnCancelPolicy(true);
    }

    /** The media type of the body without its parameters, in lower case; empty when there is none. */
    static String mediaType(Exchange ctx) {
        String type = ctx.contentType();
        return type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    }

    /** Refuses, before a byte of it is read, a body announced too large or in an encoding Tidemark cannot undo. */
    void checkAnnounced(Exchange ctx) throws BodyTooLargeException {
        checkAnnouncedLength(ctx);
        if (!isGzip(ctx) && !isIdentity(ctx)) {
            throw new UnsupportedMediaTypeException("Content-Encoding '" + ctx.header("Content-Encoding")
                    + "' is not supported; use gzip or none");
        }
    }

    /** Refuses, before a byte of it is read, a body announced larger than {@code ingest.max_body_bytes}. */
    void checkAnnouncedLength(Exchange ctx) throws BodyTooLargeException {
        long length = ctx.contentLength();
        if (length > maxBytes) {
            throw new BodyTooLargeException("body of " + length + " bytes exceeds ingest.max_body_bytes ("
                    + maxBytes + " bytes)");
        }
    }

    /**
     * Reads the whole body; the future fails with {@link BodyTooLargeException}, {@link RequestTimeoutException},
     * {@link BodiesBusyException} or the client's I/O failure.
     */
    CompletableFuture<Body> read(JettyExchange exchange) {
        return BodyTransfer.keep(exchange.source(), exchange.contentLength(), budget, maxBytes,
                DROP_LIMIT_FACTOR * maxBytes, config.bodyTimeout(), deadlines);
    }

    /** What a route does with a body once it has all arrived: starts the work its answer waits for. */
    @FunctionalInterface
    interface BodyHandler<T> {
        CompletableFuture<T> handle(Body body) throws Exception;
    }

    /**
     * The asynchronous life of a write: reads the body as it arrives (no thread waits on the client), hands it to
     * {@code handler}, closes it once the handler has taken what it needs, then answers with {@code answer}, or with
     * the failure (reading, handling or the work itself) through {@link ErrorResponses}.
     */
    <T> void handleAsync(JettyExchange exchange, BodyHandler<T> handler, BiConsumer<JettyExchange, T> answer) {
        read(exchange).thenCompose(body -> {
            try (body) {
                return handler.handle(body);
            } catch (Exception e) {
                return CompletableFuture.<T>failedFuture(e);
            }
        }).whenComplete((result, error) -> {
            if (error != null) {
                ErrorResponses.respond(exchange, error);
                return;
            }
            try {
                answer.accept(exchange, result);
            } catch (RuntimeException e) {
                ErrorResponses.respond(exchange, e);
            }
        });
    }

    /** The body as the parser reads it: decompressed if it was gzipped, and bounded after decompression too. */
    InputStream decoded(Exchange ctx, Body body) throws IOException {
        InputStream raw = body.stream();
        if (!isGzip(ctx)) return raw;
        return new LimitedInputStream(new GZIPInputStream(raw, 16 * 1024), maxBytes, "decompressed body");
    }

    /** The body decompressed from snappy's block format (see {@link SnappyBodies}), bounded as a gzipped one. */
    InputStream snappyDecoded(Body body) throws IOException {
        return SnappyBodies.decompress(body, maxBytes);
    }

    /**
     * Answers {@code refusal} for a request whose body was not read. A client that waits for {@code 100 Continue}
     * gets the answer at once and never sends the body. Any other client is already sending it: the body is
     * dropped first (bounded, without a thread), because a server that answers and closes while the client still
     * sends makes many clients (java.net.http among them) see a reset instead of the answer.
     */
    void refuse(JettyExchange exchange, Exception refusal) {
        long announced = exchange.contentLength();
        boolean noBody = announced == 0 || announced < 0 && exchange.header("Transfer-Encoding") == null;
        if (noBody || "100-continue".equalsIgnoreCase(exchange.header("Expect"))) {
            ErrorResponses.respond(exchange, refusal);
            return;
        }
        IOException reason = refusal instanceof IOException io ? io : new IOException(refusal);
        BodyTransfer.drop(exchange.source(), announced, reason, DROP_LIMIT_FACTOR * maxBytes, config.bodyTimeout(),
                deadlines).whenComplete((ignored, dropped) -> ErrorResponses.respond(exchange, refusal));
    }

    long bufferedBytes() {
        return budget.used();
    }

    /** Whether the body is gzipped, so that it is decompressed (and a truncated one is a gzip error). */
    static boolean isGzip(Exchange ctx) {
        String encoding = ctx.header("Content-Encoding");
        return encoding != null && (encoding.equalsIgnoreCase("gzip") || encoding.equalsIgnoreCase("x-gzip"));
    }

    private static boolean isIdentity(Exchange ctx) {
        String encoding = ctx.header("Content-Encoding");
        return encoding == null || encoding.isBlank() || encoding.equalsIgnoreCase("identity");
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
    }
}
