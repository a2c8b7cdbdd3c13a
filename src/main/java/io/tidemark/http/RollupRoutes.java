package io.tidemark.http;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.tidemark.config.Durations;
import io.tidemark.realtime.LiveRollups;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * {@code GET /api/v1/rollups/{width}?sensor=&metric=&from=&to=}: the always-fresh buckets of rollup
 * {@code rollup_<width>} (1m, 1h, 1d, or any incremental job so named).
 */
final class RollupRoutes {
    /** At most this many buckets per series in one answer. */
    static final int MAX_BUCKETS = 10_000;
    static final int DEFAULT_BUCKETS = 60;

    private final LiveRollups rollups;

    RollupRoutes(LiveRollups rollups) {
        this.rollups = rollups;
    }

    void get(Context ctx) {
        String widthText = ctx.pathParam("width");
        String job = "rollup_" + widthText;
        Duration width;
        try {
            width = Durations.parse(widthText);
        } catch (IllegalArgumentException e) {
            throw new NotFoundResponse("no rollup '" + widthText + "'; try 1m, 1h or 1d");
        }
        if (!rollups.exists(job)) throw new NotFoundResponse("no rollup '" + widthText + "'; try 1m, 1h or 1d");
        String sensor = ctx.queryParam("sensor");
        if (sensor == null || sensor.isBlank()) throw new BadRequestResponse("sensor is required");
        String metric = ctx.queryParam("metric");
        Instant to = QueryParams.instant(ctx, "to", Instant.now());
        Instant from = QueryParams.instant(ctx, "from", to.minus(width.multipliedBy(DEFAULT_BUCKETS)));
        if (!from.isBefore(to)) throw new BadRequestResponse("from must be before to");
        if (Duration.between(from, to).dividedBy(width) > MAX_BUCKETS) {
            throw new BadRequestResponse("from..to spans more than " + MAX_BUCKETS + " buckets of " + widthText
                    + "; narrow the range or use a coarser rollup");
        }
        ctx.json(Map.of("rollup", job, "sensor", sensor, "from", from, "to", to,
                "series", rollups.query(job, sensor, metric, from, to)));
    }
}
