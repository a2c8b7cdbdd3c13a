package io.tidemark.http;

import io.javalin.http.Context;
import io.tidemark.alerts.AlertsQuery;
import io.tidemark.auth.Principal;
import io.tidemark.query.LiveRollups;
import io.tidemark.query.ReadingsQuery;
import io.tidemark.query.SeriesQuery;

/**
 * The reads: {@code GET /api/v1/series}, {@code /api/v1/readings}, {@code /api/v1/rollups/{width}} and
 * {@code /api/v1/alerts}. Parameters are validated by the queries themselves; a bad one is thrown as a 400 before
 * anything is written. A read token limited to a sensor prefix sees only its sensors (see {@link SensorLimits}).
 */
final class QueryRoutes {
    private final SeriesQuery series;
    private final ReadingsQuery readings;
    private final LiveRollups rollups;
    private final AlertsQuery alerts;

    QueryRoutes(SeriesQuery series, ReadingsQuery readings, LiveRollups rollups, AlertsQuery alerts) {
        this.series = series;
        this.readings = readings;
        this.rollups = rollups;
        this.alerts = alerts;
    }

    void series(Context ctx) {
        ctx.json(series.answer(SensorLimits.narrowed(principal(ctx), ctx.queryParamMap(), "prefix", "")));
    }

    void readings(Context ctx) {
        ctx.json(readings.answer(SensorLimits.exact(principal(ctx), ctx.queryParamMap(), "sensor")));
    }

    void rollups(Context ctx) {
        ctx.json(rollups.answer(ctx.pathParam("width"),
                SensorLimits.exact(principal(ctx), ctx.queryParamMap(), "sensor")));
    }

    void alerts(Context ctx) {
        ctx.json(alerts.answer(SensorLimits.narrowed(principal(ctx), ctx.queryParamMap(), "sensor", "*")));
    }

    private static Principal principal(Context ctx) {
        return AccessControl.principal(ctx);
    }
}
