package io.tidemark.alerts;

import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * A bounded queue of alert events whose producer never waits: an event that does not fit is dropped, counted in
 * {@code dropped}, and logged at most every 10 s (a flood of drops must not become a flood of log lines). Consumed
 * by one thread of its owner. Thread-safe.
 */
final class DroppingQueue {
    private static final Duration DROP_LOG_INTERVAL = Duration.ofSeconds(10);

    private final BlockingQueue<AlertEvent> queue;
    private final String name;
    private final String capacityKey;
    private final Counter dropped;
    private final Logger log;
    /** When a drop was last logged (System.nanoTime()); drops in between are only counted. */
    private volatile long lastDropLogged = System.nanoTime() - DROP_LOG_INTERVAL.toNanos();

    /**
     * @param name what the queue feeds, for the log line ("Alert store")
     * @param capacityKey the config key that sets {@code capacity}, so the log line says what to change
     */
    DroppingQueue(int capacity, String name, String capacityKey, Counter dropped, Logger log) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.name = name;
        this.capacityKey = capacityKey;
        this.dropped = dropped;
        this.log = log;
    }

    /** Queues the event, or drops and counts it when the queue is full; never blocks. */
    void offer(AlertEvent event) {
        if (queue.offer(event)) return;
        dropped.increment();
        long now = System.nanoTime();
        if (now - lastDropLogged >= DROP_LOG_INTERVAL.toNanos()) {
            lastDropLogged = now;
            log.warn("{} queue full ({} events, {}): dropped {}; {} dropped in all (logged at most every 10 s)", name,
                    queue.size(), capacityKey, event.describe(), (long) dropped.count());
        }
    }

    AlertEvent poll(Duration timeout) throws InterruptedException {
        return queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    AlertEvent take() throws InterruptedException {
        return queue.take();
    }

    void drainTo(Collection<AlertEvent> into, int max) {
        queue.drainTo(into, max);
    }

    int size() {
        return queue.size();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }
}
