package io.tidemark.query;

import io.tidemark.names.Tags;

/**
 * Which series a listing or a stream asks for: {@code sensor} and {@code metric} globs (e.g. {@code sensor=boiler-*};
 * absent means all) and {@code tags}, a JSON object the series' tags must contain (null when absent).
 */
public record SeriesFilter(Glob sensor, Glob metric, Tags tags) {
    /** Reads {@code sensor}, {@code metric} and {@code tags} from {@code p}; problems are left in {@code p}. */
    public static SeriesFilter parse(QueryParameters p) {
        return new SeriesFilter(p.glob("sensor"), p.glob("metric"), p.tags("tags"));
    }

    public boolean matches(String sensor, String metric, Tags tags) {
        return this.sensor.matches(sensor) && this.metric.matches(metric)
                && (this.tags == null || tags.contains(this.tags));
    }
}
