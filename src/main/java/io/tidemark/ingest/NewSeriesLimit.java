package io.tidemark.ingest;

import io.tidemark.storage.SeriesRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code ingest.max_new_series_per_minute}: how many series each writer may create per minute on this node, counted
 * in windows of a minute from its first new series. One entry per writer name (tokens are few), so memory stays small.
 * Thread-safe.
 */
final class NewSeriesLimit {
    private static final long WINDOW_MILLIS = 60_000;

    private final int perMinute;
    private final Clock clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        long startMillis;
        int created;
    }

    /** @param perMinute 0 for no limit */
    NewSeriesLimit(int perMinute, Clock clock) {
        this.perMinute = perMinute;
        this.clock = clock;
    }

    /** The gate for one request of {@code writer}. */
    SeriesRegistry.NewSeriesGate gate(String writer) {
        return perMinute == 0 ? SeriesRegistry.NewSeriesGate.OPEN : newSeries -> admit(writer, newSeries);
    }

    /** @throws TooManyNewSeriesException if {@code newSeries} more would exceed the writer's minute */
    void admit(String writer, int newSeries) {
        Window w = windows.computeIfAbsent(writer, k -> new Window());
        long now = clock.millis();
        synchronized (w) {
            if (now - w.startMillis >= WINDOW_MILLIS) {
                w.startMillis = now;
                w.created = 0;
            }
            if (w.created + newSeries > perMinute) {
                int retryAfter = (int) Math.max(1, (w.startMillis + WINDOW_MILLIS - now + 999) / 1000);
                throw new TooManyNewSeriesException(writer, newSeries, perMinute, perMinute - w.created, retryAfter);
            }
            w.created += newSeries;
        }
    }
}
