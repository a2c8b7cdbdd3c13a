package io.tidemark.stream;

import io.tidemark.names.Tags;
import io.tidemark.query.Glob;
import io.tidemark.query.QueryParameters;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one stream client asked for: which event types ({@code events=readings|alerts|all}) and which series
 * ({@code sensor} and {@code metric} globs, e.g. {@code sensor=boiler-*}; {@code tags}, a JSON object the series'
 * tags must contain; absent means all). {@code tags} is null when absent.
 */
record StreamFilter(Glob sensor, Glob metric, Tags tags, boolean readings, boolean alerts) {
    static final Set<String> PARAMETERS = Set.of("sensor", "metric", "tags", "events");

    static StreamFilter parse(Map<String, List<String>> params) {
        QueryParameters p = new QueryParameters(params, PARAMETERS);
        Glob sensor = p.glob("sensor");
        Glob metric = p.glob("metric");
        Tags tags = p.tags("tags");
        String events = p.choice("events", List.of("all", "readings", "alerts"), "all");
        p.validate();
        return new StreamFilter(sensor, metric, tags, !events.equals("alerts"), !events.equals("readings"));
    }

    boolean matches(String sensor, String metric, Tags tags) {
        return this.sensor.matches(sensor) && this.metric.matches(metric)
                && (this.tags == null || tags.contains(this.tags));
    }
}
