package io.tidemark.http;

import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.tidemark.ingest.IdempotencyKeyReusedException;
import io.tidemark.ingest.IngestUnavailableException;
import io.tidemark.ingest.InvalidRequestException;
import io.tidemark.ingest.RequestTooLargeException;
import io.tidemark.ingest.format.InvalidReadingsException;
import io.tidemark.jobs.InvalidJobException;
import io.tidemark.jobs.JobBusyException;
import io.tidemark.jobs.UnknownJobException;
import io.tidemark.query.InvalidParametersException;
import io.tidemark.query.UnknownRollupException;
import io.tidemark.query.UnknownSeriesException;
import io.tidemark.storage.DatabaseUnavailableException;
import io.tidemark.stream.StreamUnavailableException;
import java.io.EOFException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP answers. Client errors are answered with what and where; server faults
 * are logged here, once, and answered without internals.
 */
final class ErrorResponses {
    private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);
    static final int DATABASE_RETRY_AFTER_SECONDS = 5;
    static final int STREAM_RETRY_AFTER_SECONDS = 10;

    private ErrorResponses() {}

    static void respond(Context ctx, Throwable failure) {
        Throwable e = unwrap(failure);
        if (e instanceof InvalidReadingsException invalid) {
            ctx.status(400).json(new ErrorBody(invalid.getMessage(), invalid.problems(), invalid.problemCount()));
        } else if (e instanceof InvalidRequestException) {
            ctx.status(400).json(new ErrorBody(e.getMessage()));
        } else if (e instanceof InvalidParametersException invalid) {
            ctx.status(400).json(new ErrorBody(invalid.getMessage(), invalid.problems(), invalid.problems().size()));
        } else if (e instanceof UnknownSeriesException || e instanceof UnknownRollupException) {
            ctx.status(404).json(new ErrorBody(e.getMessage()));
        } else if (e instanceof StreamUnavailableException) {
            ctx.header("Retry-After", Integer.toString(STREAM_RETRY_AFTER_SECONDS));
            ctx.status(503).json(new ErrorBody(e.getMessage()));
        } else if (e instanceof ZipException || e instanceof EOFException && isGzip(ctx)) {
            ctx.status(400).json(new ErrorBody("body is not valid gzip: " + e.getMessage()));
        } else if (e instanceof BodyTooLargeException || e instanceof RequestTooLargeException) {
            ctx.status(413).json(new ErrorBody(e.getMessage()));
        } else if (e instanceof UnsupportedMediaTypeException) {
            ctx.status(415).json(new ErrorBody(e.getMessage()));
        } else if (e instanceof IdempotencyKeyReusedException) {
            ctx.status(422).json(new ErrorBody(e.getMessage()));
        } else if (e instanceof IngestUnavailableException busy) {
            ctx.header("Retry-After", Integer.toString(busy.retryAfterSeconds()));
            ctx.status(503).json(new ErrorBody(e.getMessage()));
        } else if (e instanceof DatabaseUnavailableException) {
            log.warn("Answering 503: {}", e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
            ctx.header("Retry-After", Integer.toString(DATABASE_RETRY_AFTER_SECONDS));
            ctx.status(503).json(new ErrorBody(e.getMessage()));
        } else if (e instanceof UnknownJobException) {
            ctx.status(404).json(new ErrorBody(e.getMessage()));
        } else if (e instanceof JobBusyException) {
            ctx.status(409).json(new ErrorBody(e.getMessage()));
        } else if (e instanceof InvalidJobException) {
            ctx.status(400).json(new ErrorBody("jobs folder not reloaded: " + e.getMessage()));
        } else if (e instanceof HttpResponseException http) {
            ctx.status(http.getStatus()).json(new ErrorBody(http.getMessage()));
        } else if (e instanceof java.io.IOException) {
            // The client went away or sent a broken body; nothing was stored.
            ctx.status(400).json(new ErrorBody("could not read the request body: " + e.getMessage()));
        } else {
            log.error("Unexpected failure on {} {}", ctx.method(), ctx.path(), e);
            ctx.status(500).json(new ErrorBody("GET".equals(ctx.req().getMethod())
                    ? "internal error (see the server log)" : "internal error; nothing of the request was stored"));
        }
    }

    private static boolean isGzip(Context ctx) {
        String encoding = ctx.header("Content-Encoding");
        return encoding != null && encoding.toLowerCase(java.util.Locale.ROOT).contains("gzip");
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
