package io.tidemark.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of request bodies held in memory at once, across all requests. Bodies are read without a thread each,
 * so the thread pool no longer bounds how many are in flight: this does. A body alone in the budget always fits, so
 * a single body up to {@code ingest.max_body_bytes} is never refused for want of room, whatever the two limits are.
 */
final class BodyBudget {
    private final long capacity;
    private final AtomicLong used = new AtomicLong();

    BodyBudget(long capacity) {
        this.capacity = capacity;
    }

    /**
     * Takes {@code bytes} more for a body that holds {@code held} already, or nothing and false when they do not fit
     * beside the other bodies.
     */
    boolean tryReserve(long bytes, long held) {
        while (true) {
            long current = used.get();
            if (current > held && current + bytes > capacity) return false;
            if (used.compareAndSet(current, current + bytes)) return true;
        }
    }

    void release(long bytes) {
        used.addAndGet(-bytes);
    }

    long used() {
        return used.get();
    }

    long capacity() {
        return capacity;
    }
}
