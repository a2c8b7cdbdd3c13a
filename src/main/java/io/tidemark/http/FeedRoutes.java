package io.tidemark.http;

import io.javalin.http.Context;
import io.tidemark.feed.FeedPosition;
import io.tidemark.feed.FeedTruncatedException;
import io.tidemark.stream.FeedQuery;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/feed?after=&limit=&sensor=&metric=&tags=&wait=}: committed readings in commit order, a page at
 * a time (see {@link FeedQuery}). 404 when {@code feed.enabled} is false; 410 with {@code oldest} when {@code after}
 * is older than {@code feed.retention} keeps.
 */
final class FeedRoutes {
    /** The 410 answer: what was lost, and the {@code after} that reads on from the oldest row kept. */
    record Truncated(String error, String oldest) {}

    /** Null when the feed is off. */
    private final FeedQuery feed;

    FeedRoutes(FeedQuery feed) {
        this.feed = feed;
    }

    void feed(Context ctx) throws InterruptedException {
        if (feed == null) {
            ctx.status(404).json(new ErrorBody("the feed is off on this server (feed.enabled is false)"));
            return;
        }
        Map<String, List<String>> params = SensorLimits.narrowed(AccessControl.principal(ctx),
                new LinkedHashMap<>(ctx.queryParamMap()), "sensor", "*");
        FeedQuery.Request request = feed.parse(params);
        if (request.waitFor().isZero()) {
            answer(ctx, request);
        } else {
            // A long poll waits on a thread of Javalin's async pool, not on the request thread.
            ctx.async(task -> task.timeout = request.waitFor().plusSeconds(30).toMillis(), () -> answer(ctx, request));
        }
    }

    private void answer(Context ctx, FeedQuery.Request request) throws InterruptedException {
        try {
            ctx.json(feed.page(request));
        } catch (FeedTruncatedException e) {
            ctx.status(410).json(new Truncated(e.getMessage(),
                    FeedPosition.afterRow(e.oldest() - 1).toString()));
        }
    }
}
