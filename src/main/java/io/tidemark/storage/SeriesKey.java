package io.tidemark.storage;

import io.tidemark.names.Tags;

/** A series is named by its sensor, metric and tags. */
public record SeriesKey(String sensor, String metric, Tags tags) implements Comparable<SeriesKey> {
    public SeriesKey(String sensor, String metric) {
        this(sensor, metric, Tags.NONE);
    }

    @Override
    public int compareTo(SeriesKey o) {
        int c = sensor.compareTo(o.sensor);
        if (c != 0) return c;
        c = metric.compareTo(o.metric);
        return c != 0 ? c : tags.compareTo(o.tags);
    }
}
