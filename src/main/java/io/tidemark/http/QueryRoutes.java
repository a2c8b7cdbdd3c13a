package io.tidemark.http;

import io.javalin.http.Context;
import io.tidemark.alerts.AlertsQuery;
import io.tidemark.query.LiveRollups;
import io.tidemark.query.ReadingsQuery;
import io.tidemark.query.SeriesQuery;

/**
 * The reads: {@code GET /api/v1/series}, {@code /api/v1/readings}, {@code /api/v1/rollups/{width}} and
 * {@code /api/v1/alerts}. Parameters are validated by the queries themselves; a bad one is thrown as a 400 before
 * anything is written.
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
        ctx.json(series.answer(ctx.queryParamMap()));
    }

    void readings(Context ctx) {
        ctx.json(readings.answer(ctx.queryParamMap()));
    }

    void rollups(Context ctx) {
        ctx.json(rollups.answer(ctx.pathParam("width"), ctx.queryParamMap()));
    }

    void alerts(Context ctx) {
        ctx.json(alerts.answer(ctx.queryParamMap()));
    }
}
