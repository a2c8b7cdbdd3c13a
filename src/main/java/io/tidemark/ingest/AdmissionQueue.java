package io.tidemark.ingest;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The requests waiting for the group-commit writer, bounded in readings ({@code ingest.queue_capacity}). Admission
 * never blocks: a request that does not fit fails at once, so the client gets a 503 instead of a stalled connection.
 * A request holds its readings' room from {@link #submit} until it is answered ({@link #release}). Thread-safe.
 */
final class AdmissionQueue {
    private final BlockingQueue<WriteRequest> queue = new LinkedBlockingQueue<>();
    private final int capacity;
    private final Semaphore room;
    private volatile boolean accepting = true;

    AdmissionQueue(int capacity, MeterRegistry registry) {
        this.capacity = capacity;
        this.room = new Semaphore(capacity);
        Gauge.builder("tidemark.ingest.queue.readings", this, AdmissionQueue::queuedReadings)
                .description("Readings waiting for the writer").register(registry);
    }

    /**
     * True when not one reading more fits. (How many readings a body holds is known only once it is parsed, so a
     * request that merely might not fit is parsed, then refused exactly if it does not.)
     */
    boolean isFull() {
        return room.availablePermits() == 0;
    }

    /**
     * Queues a request, or fails at once (never blocks).
     *
     * @throws RequestTooLargeException if the request alone holds more readings than the whole queue
     * @throws IngestUnavailableException if the queue is full or the server is stopping
     */
    void submit(WriteRequest request) {
        if (!accepting) throw new IngestUnavailableException("server is shutting down", 5);
        if (request.count > capacity) {
            throw new RequestTooLargeException("request has " + request.count + " readings; at most " + capacity
                    + " (ingest.queue_capacity) fit in one request");
        }
        if (!room.tryAcquire(request.count)) throw full();
        queue.add(request);
    }

    /** The 503 for a request that does not fit now. */
    IngestUnavailableException full() {
        return new IngestUnavailableException("ingest queue is full (" + queuedReadings() + " of " + capacity
                + " readings waiting); retry shortly", 1);
    }

    /** Gives back a request's room once it is answered, committed or not. */
    void release(WriteRequest request) {
        room.release(request.count);
    }

    /** The next request, waiting at most {@code timeout}; null if none came. */
    WriteRequest poll(long timeout, TimeUnit unit) throws InterruptedException {
        return queue.poll(timeout, unit);
    }

    /** The next request if one is waiting, else null at once. */
    WriteRequest poll() {
        return queue.poll();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** From now on every {@link #submit} fails with a 503. */
    void stopAccepting() {
        accepting = false;
    }

    int queuedReadings() {
        return capacity - room.availablePermits();
    }

    int capacity() {
        return capacity;
    }
}
