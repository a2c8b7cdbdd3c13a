package io.tidemark.storage;

/** A series is named by its sensor and metric. */
public record SeriesKey(String sensor, String metric) implements Comparable<SeriesKey> {
    @Override
    public int compareTo(SeriesKey o) {
        int c = sensor.compareTo(o.sensor);
        return c != 0 ? c : metric.compareTo(o.metric);
    }
}
