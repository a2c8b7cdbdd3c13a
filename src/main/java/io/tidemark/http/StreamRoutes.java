package io.tidemark.http;

import io.javalin.http.Context;
import io.tidemark.auth.StreamTickets;
import io.tidemark.stream.StreamHub;
import io.tidemark.stream.StreamSubscription;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/stream}: committed readings and alert events as Server-Sent Events, each with its feed position
 * as its id; a reconnecting client's {@code Last-Event-ID} (or {@code ?after=}) resumes after it.
 */
final class StreamRoutes {
    private static final Logger log = LoggerFactory.getLogger(StreamRoutes.class);

    private final StreamHub stream;

    StreamRoutes(StreamHub stream) {
        this.stream = stream;
    }

    /**
     * {@code POST /api/v1/stream/tickets}: a single-use ticket for {@code GET /api/v1/stream?ticket=}, valid for
     * {@link StreamTickets#VALIDITY}, for clients that cannot send headers (a browser's EventSource). It acts for the
     * credential that asked for it; it is a secret, which is why it is short-lived and good once.
     */
    void ticket(Context ctx, StreamTickets tickets) {
        ctx.status(201).json(Map.of("ticket", tickets.issue(AccessControl.principal(ctx)),
                "expires_in_seconds", StreamTickets.VALIDITY.toSeconds()));
    }

    /**
     * Subscribes first (so a bad filter or a full stream is answered 400 or 503), then writes events from a thread
     * of Javalin's async pool until the client goes away or the server stops. Not Javalin's SseHandler: it answers
     * nothing unless the request says {@code Accept: text/event-stream}, and plain {@code curl -N} does not.
     */
    void stream(Context ctx) {
        Map<String, List<String>> params = new LinkedHashMap<>(ctx.queryParamMap());
        params.remove("ticket"); // a credential, checked already (see AccessControl)
        StreamSubscription subscription = stream.subscribe(
                SensorLimits.narrowed(AccessControl.principal(ctx), params, "sensor", "*"),
                ctx.header("Last-Event-ID"));
        HttpServletResponse res = ctx.res();
        res.setStatus(200);
        res.setCharacterEncoding("UTF-8");
        res.setContentType("text/event-stream");
        res.setHeader("Cache-Control", "no-cache");
        res.setHeader("X-Accel-Buffering", "no"); // tells nginx not to buffer the stream
        ctx.async(task -> task.timeout = 0, () -> {
            // A stream outlives http.asyncTimeout, which is meant for requests waiting on a commit.
            ctx.req().getAsyncContext().setTimeout(0);
            try {
                subscription.pump(res.getOutputStream());
            } catch (IOException e) {
                log.debug("Stream client {} went away: {}", ctx.ip(), e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.error("Stream to {} failed", ctx.ip(), e);
            } finally {
                subscription.close();
            }
        });
    }
}
