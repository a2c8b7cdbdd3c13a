package io.tidemark.http;

import io.javalin.http.Context;
import io.tidemark.query.LatestQuery;

/**
 * {@code GET /api/v1/latest}: the newest reading of every series (see {@link LatestQuery}). 404 when
 * {@code latest.enabled} is false. A read token limited to a sensor prefix sees only its sensors.
 */
final class LatestRoutes {
    /** Null when latest is off. */
    private final LatestQuery latest;

    LatestRoutes(LatestQuery latest) {
        this.latest = latest;
    }

    void latest(Context ctx) {
        if (latest == null) {
            ctx.status(404).json(new ErrorBody("latest values are off on this server (latest.enabled is false)"));
            return;
        }
        ctx.json(latest.answer(SensorLimits.narrowed(AccessControl.principal(ctx), ctx.queryParamMap(), "sensor",
                "*")));
    }
}
