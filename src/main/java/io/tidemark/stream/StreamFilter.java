package io.tidemark.stream;

import io.tidemark.query.Glob;
import io.tidemark.query.QueryParameters;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one stream client asked for: which event types ({@code events=readings|alerts|all}) and which series
 * ({@code sensor} and {@code metric} globs, e.g. {@code sensor=boiler-*}; absent means all).
 */
record StreamFilter(Glob sensor, Glob metric, boolean readings, boolean alerts) {
    static final Set<String> PARAMETERS = Set.of("sensor", "metric", "events");

    static StreamFilter parse(Map<String, List<String>> params) {
        QueryParameters p = new QueryParameters(params, PARAMETERS);
        Glob sensor = p.glob("sensor");
        Glob metric = p.glob("metric");
        String events = p.choice("events", List.of("all", "readings", "alerts"), "all");
        p.validate();
        return new StreamFilter(sensor, metric, !events.equals("alerts"), !events.equals("readings"));
    }

    boolean matches(String sensor, String metric) {
        return this.sensor.matches(sensor) && this.metric.matches(metric);
    }
}
