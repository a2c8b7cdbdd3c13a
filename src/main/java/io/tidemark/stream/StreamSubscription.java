package io.tidemark.stream;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.tidemark.alerts.Alert;
import io.tidemark.alerts.AlertEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One stream client: a bounded queue filled by the writer threads and drained by the client's own thread, which
 * alone writes to the (possibly slow) connection.
 *
 * <p>Offering is O(1) and never waits for the client: a committed batch is queued as one slice of a shared
 * {@link ReadingBatch}. The queue holds at most {@code capacity} readings and, separately, {@code capacity} alert
 * events; what does not fit is skipped and counted, and the client is told with a {@code skipped} event right after
 * the events it did get (everything skipped came after them, since a full queue only empties by being drained).
 * Reading filters are applied by the client's thread, so skipped readings are counted before the filter. Alerts are
 * filtered when offered. The lock is held only to move references, never during I/O.
 */
public final class StreamSubscription {
    /** What the client is told when events had to be skipped. */
    record Skipped(@JsonProperty("readings") long readings, @JsonProperty("alerts") long alerts,
            @JsonProperty("message") String message) {}

    private record Slice(ReadingBatch batch, int from, int to) {}

    private final StreamFilter filter;
    private final int capacity;
    private final Duration heartbeat;
    private final StreamHub hub;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private int queuedReadings;
    private int queuedAlerts;
    private long skippedReadings;
    private long skippedAlerts;

    StreamSubscription(StreamFilter filter, int capacity, Duration heartbeat, StreamHub hub) {
        this.filter = filter;
        this.capacity = capacity;
        this.heartbeat = heartbeat;
        this.hub = hub;
    }

    boolean wantsReadings() {
        return filter.readings();
    }

    /** Called on a writer thread; never blocks on the client. Returns how many readings were skipped. */
    int offer(ReadingBatch batch) {
        lock.lock();
        try {
            if (closed.get()) return 0;
            int take = Math.min(capacity - queuedReadings, batch.count);
            if (take > 0) {
                queue.add(new Slice(batch, 0, take));
                queuedReadings += take;
                ready.signal();
            }
            int skipped = batch.count - take;
            skippedReadings += skipped;
            if (skipped > 0 && take == 0) ready.signal(); // so an idle client learns of the skip promptly
            return skipped;
        } finally {
            lock.unlock();
        }
    }

    /** Returns whether the event was skipped for lack of room (not whether the filter let it through). */
    boolean offer(AlertEvent event) {
        Alert alert = event.alert();
        if (!filter.alerts() || !filter.matches(alert.sensor(), alert.metric(), alert.tags())) return false;
        lock.lock();
        try {
            if (closed.get()) return false;
            if (queuedAlerts >= capacity) {
                skippedAlerts++;
                return true;
            }
            queue.add(event);
            queuedAlerts++;
            ready.signal();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes this client's events to {@code out} until {@link #close()} or until writing fails (the client went
     * away, or stalled past the server's idle timeout). Runs on the client's own thread. Starts with a {@code ready}
     * event, sent once the subscription is live, and writes a comment after {@code heartbeat} of silence so that
     * proxies keep the connection open and a gone client is noticed.
     */
    public void pump(OutputStream out) throws IOException {
        SseWriter sse = new SseWriter(out);
        Map<String, Object> ready = new LinkedHashMap<>();
        ready.put("sensor", filter.sensor().toString());
        ready.put("metric", filter.metric().toString());
        if (filter.tags() != null) ready.put("tags", filter.tags().toMap());
        ready.put("readings", filter.readings());
        ready.put("alerts", filter.alerts());
        ready.put("client_queue", capacity);
        sse.event("ready", ready);
        sse.flush();
        List<Object> events = new ArrayList<>();
        long[] skipped = new long[2];
        while (takeInto(events, skipped)) {
            if (events.isEmpty() && skipped[0] == 0 && skipped[1] == 0) {
                sse.comment("keep-alive");
            }
            for (Object e : events) {
                if (e instanceof Slice s) {
                    ReadingBatch b = s.batch;
                    for (int i = s.from; i < s.to; i++) {
                        if (filter.matches(b.sensors[i], b.metrics[i], b.tags[i])) {
                            sse.reading(b.sensors[i], b.metrics[i], b.tags[i], b.timestamps[i], b.values[i]);
                        }
                    }
                } else {
                    sse.eventJson("alert", ((AlertEvent) e).toJson());
                }
            }
            if (skipped[0] > 0 || skipped[1] > 0) {
                sse.event("skipped", new Skipped(skipped[0], skipped[1], "this client fell behind by more than "
                        + capacity + " events; the events counted here were not sent (readings are counted before"
                        + " the sensor/metric/tags filter)"));
            }
            sse.flush();
            events.clear();
        }
    }

    /**
     * Waits up to {@code heartbeat} for events, then moves them all to {@code into} and the skip counts since the
     * last call to {@code skipped}. False once closed.
     */
    boolean takeInto(List<Object> into, long[] skipped) {
        lock.lock();
        try {
            long nanos = heartbeat.toNanos();
            while (queue.isEmpty() && skippedReadings == 0 && skippedAlerts == 0 && !closed.get() && nanos > 0) {
                try {
                    nanos = ready.awaitNanos(nanos);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            if (closed.get()) return false;
            into.addAll(queue);
            queue.clear();
            queuedReadings = 0;
            queuedAlerts = 0;
            skipped[0] = skippedReadings;
            skipped[1] = skippedAlerts;
            skippedReadings = 0;
            skippedAlerts = 0;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Ends the subscription: the client's thread leaves {@link #pump} at its next turn. Idempotent. */
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        lock.lock();
        try {
            queue.clear();
            ready.signalAll();
        } finally {
            lock.unlock();
        }
        hub.remove(this);
    }
}
