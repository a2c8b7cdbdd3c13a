package io.tidemark.http;

import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.MethodNotAllowedResponse;
import io.tidemark.ingest.IdempotencyKeyReusedException;
import io.tidemark.ingest.IngestUnavailableException;
import io.tidemark.ingest.InvalidRequestException;
import io.tidemark.ingest.RequestTooLargeException;
import io.tidemark.ingest.SensorNotAllowedException;
import io.tidemark.ingest.TooManyNewSeriesException;
import io.tidemark.ingest.format.InvalidReadingsException;
import io.tidemark.ingest.format.TooManyReadingsException;
import io.tidemark.jobs.InvalidJobException;
import io.tidemark.jobs.JobBusyException;
import io.tidemark.jobs.UnknownJobException;
import io.tidemark.query.InvalidParametersException;
import io.tidemark.query.UnknownRollupException;
import io.tidemark.query.UnknownSeriesException;
import io.tidemark.storage.DatabaseOutOfResourcesException;
import io.tidemark.storage.DatabaseUnavailableException;
import io.tidemark.stream.StreamOffException;
import io.tidemark.stream.StreamUnavailableException;
import java.io.EOFException;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
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
        respond(new JavalinExchange(ctx), failure);
    }

    static void respond(Exchange ctx, Throwable failure) {
        Throwable e = unwrap(failure);
        if (e instanceof InvalidReadingsException invalid) {
            send(ctx, 400, new ErrorBody(invalid.getMessage(), invalid.problems(), invalid.problemCount()));
        } else if (e instanceof UnparsableLinesException lines) {
            send(ctx, 400, new ErrorBody(lines.getMessage(), lines.problems(), lines.problemCount()));
        } else if (e instanceof AccessDeniedException denied) {
            if (denied.status() == 401) {
                AccessDeniedException.CHALLENGES.forEach(c -> ctx.addHeader("WWW-Authenticate", c));
            }
            if (denied.status() == 429) ctx.header("Retry-After", Integer.toString(denied.retryAfterSeconds()));
            send(ctx, denied.status(), new ErrorBody(e.getMessage()));
        } else if (e instanceof SensorNotAllowedException) {
            send(ctx, 403, new ErrorBody(e.getMessage()));
        } else if (e instanceof InvalidRequestException) {
            send(ctx, 400, new ErrorBody(e.getMessage()));
        } else if (e instanceof InvalidParametersException invalid) {
            send(ctx, 400, new ErrorBody(invalid.getMessage(), invalid.problems(), invalid.problems().size()));
        } else if (e instanceof UnknownSeriesException || e instanceof UnknownRollupException) {
            send(ctx, 404, new ErrorBody(e.getMessage()));
        } else if (e instanceof StreamOffException) {
            send(ctx, 404, new ErrorBody(e.getMessage()));
        } else if (e instanceof StreamUnavailableException) {
            ctx.header("Retry-After", Integer.toString(STREAM_RETRY_AFTER_SECONDS));
            send(ctx, 503, new ErrorBody(e.getMessage()));
        } else if (e instanceof ZipException || e instanceof EOFException && RequestBodies.isGzip(ctx)) {
            send(ctx, 400, new ErrorBody("body is not valid gzip: " + e.getMessage()));
        } else if (e instanceof UndecodableBodyException) {
            send(ctx, 400, new ErrorBody(e.getMessage()));
        } else if (e instanceof BodyTooLargeException || e instanceof RequestTooLargeException
                || e instanceof TooManyReadingsException) {
            send(ctx, 413, new ErrorBody(e.getMessage()));
        } else if (e instanceof UnsupportedMediaTypeException) {
            send(ctx, 415, new ErrorBody(e.getMessage()));
        } else if (e instanceof IdempotencyKeyReusedException) {
            send(ctx, 422, new ErrorBody(e.getMessage()));
        } else if (e instanceof TooManyNewSeriesException tooMany) {
            ctx.header("Retry-After", Integer.toString(tooMany.retryAfterSeconds()));
            send(ctx, 429, new ErrorBody(e.getMessage()));
        } else if (e instanceof IngestUnavailableException busy) {
            ctx.header("Retry-After", Integer.toString(busy.retryAfterSeconds()));
            send(ctx, 503, new ErrorBody(e.getMessage()));
        } else if (e instanceof DatabaseOutOfResourcesException full) {
            // Not logged here: the write path logs the condition once when it starts and once when it ends.
            ctx.header("Retry-After", Integer.toString(full.retryAfterSeconds()));
            send(ctx, 503, new ErrorBody(e.getMessage()));
        } else if (e instanceof DatabaseUnavailableException) {
            log.warn("Answering 503: {}", e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
            ctx.header("Retry-After", Integer.toString(DATABASE_RETRY_AFTER_SECONDS));
            send(ctx, 503, new ErrorBody(e.getMessage()));
        } else if (e instanceof UnknownJobException) {
            send(ctx, 404, new ErrorBody(e.getMessage()));
        } else if (e instanceof JobBusyException) {
            send(ctx, 409, new ErrorBody(e.getMessage()));
        } else if (e instanceof InvalidJobException) {
            send(ctx, 400, new ErrorBody("jobs folder not reloaded: " + e.getMessage()));
        } else if (e instanceof MethodNotAllowedResponse notAllowed) {
            String allow = allowed(notAllowed);
            ctx.header("Allow", allow);
            send(ctx, 405, new ErrorBody(ctx.method() + " is not allowed on " + ctx.path() + "; use " + allow));
        } else if (e instanceof HttpResponseException http) {
            send(ctx, http.getStatus(), new ErrorBody(http.getMessage()));
        } else if (e instanceof RequestTimeoutException) {
            // The rest of the body may still come; nothing can read it now, so the connection must not be reused.
            ctx.header("Connection", "close");
            send(ctx, 408, new ErrorBody(e.getMessage()));
        } else if (e instanceof BodiesBusyException) {
            ctx.header("Retry-After", Integer.toString(BodiesBusyException.RETRY_AFTER_SECONDS));
            send(ctx, 503, new ErrorBody(e.getMessage()));
        } else if (e instanceof CancellationException) {
            // A route's asynchronous task outlived the timeout it set (the feed's long poll): Javalin answered.
            send(ctx, 503, new ErrorBody("request timed out; retry"));
        } else if (e instanceof java.io.IOException) {
            // The client went away or sent a broken body; nothing was stored.
            send(ctx, 400, new ErrorBody("could not read the request body: " + e.getMessage()));
        } else {
            log.error("Unexpected failure on {} {}", ctx.method(), ctx.path(), e);
            send(ctx, 500, new ErrorBody("GET".equals(ctx.method())
                    ? "internal error (see the server log)" : "internal error; nothing of the request was stored"));
        }
    }

    /** Answers in the error shape of the path asked (Tidemark's, or InfluxDB's on its paths). */
    private static void send(Exchange ctx, int status, ErrorBody body) {
        ErrorDialect.of(ctx.path()).send(ctx, status, body);
    }

    /** The methods of a 405's Allow header: the route's, with HEAD wherever GET is (Javalin answers it too). */
    private static String allowed(MethodNotAllowedResponse e) {
        Set<String> methods = new TreeSet<>();
        for (String method : String.join(",", e.getDetails().values()).split(",")) {
            if (!method.isBlank()) methods.add(method.trim().toUpperCase(Locale.ROOT));
        }
        if (methods.contains("GET")) methods.add("HEAD");
        return String.join(", ", methods);
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
