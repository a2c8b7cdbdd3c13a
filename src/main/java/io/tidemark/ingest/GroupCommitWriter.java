package io.tidemark.ingest;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tidemark.config.Durations;
import io.tidemark.config.IngestConfig;
import io.tidemark.storage.DatabaseUnavailableException;
import io.tidemark.storage.PartitionManager;
import io.tidemark.storage.SqlErrors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: coalesces the requests waiting in a bounded queue into one transaction, streams their readings with
 * binary COPY, commits, then completes each request's future (on a small pool of its own, so writing the HTTP
 * answers never delays the next COPY).
 *
 * <p>The queue is bounded in readings; {@link #submit} never blocks: when full it fails at once so the client gets a
 * 503. A batch is flushed when it reaches {@code batch_size} readings, when no request has arrived for a
 * millisecond, or when its oldest request has lingered {@code linger}. Retriable failures are retried with backoff
 * until {@code commit_timeout}, then every request of the batch fails with {@link DatabaseUnavailableException}; any
 * other failure splits the batch so that one bad request cannot fail the others. A future is completed successfully only after its readings are committed.
 */
final class GroupCommitWriter {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** A batch stops lingering when no request arrives for this long. */
    private static final Duration ARRIVAL_GAP = Duration.ofMillis(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);
    private static final int ANSWER_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

    private final BatchTransaction transaction;
    private final PartitionManager partitions;
    private final IngestConfig config;
    private final BlockingQueue<WriteRequest> queue = new LinkedBlockingQueue<>();
    private final Semaphore capacity;
    private final List<Thread> threads = new ArrayList<>();
    private final List<CommitListener> listeners = new CopyOnWriteArrayList<>();
    /**
     * Completes the requests' futures. Completing runs the HTTP answer (JSON, Jetty, request log) on the completing
     * thread; done on a writer, a batch's answers would be written one after the other before its next COPY.
     */
    private final ExecutorService answers = Executors.newFixedThreadPool(ANSWER_THREADS, r -> {
        Thread t = new Thread(r, "tidemark-answer");
        t.setDaemon(true);
        return t;
    });
    private final Timer commitTimer;
    private final DistributionSummary batchSize;
    private volatile boolean accepting = true;
    private volatile boolean running = true;

    GroupCommitWriter(DataSource dataSource, PartitionManager partitions, IngestConfig config, MeterRegistry registry) {
        this.transaction = new BatchTransaction(dataSource);
        this.partitions = partitions;
        this.config = config;
        this.capacity = new Semaphore(config.queueCapacity());
        this.commitTimer = Timer.builder("tidemark.ingest.commit")
                .description("Time to write and commit one group-commit batch")
                .publishPercentileHistogram().register(registry);
        this.batchSize = DistributionSummary.builder("tidemark.ingest.batch.readings")
                .description("Readings per committed batch").publishPercentileHistogram().register(registry);
        Gauge.builder("tidemark.ingest.queue.readings", this, GroupCommitWriter::queuedReadings)
                .description("Readings waiting for the writer").register(registry);
    }

    void addCommitListener(CommitListener listener) {
        listeners.add(listener);
    }

    void start() {
        for (int i = 0; i < config.writers(); i++) {
            Thread t = new Thread(this::run, "tidemark-writer-" + i);
            t.start();
            threads.add(t);
        }
    }

    /**
     * True when not one reading more fits in the queue. (How many readings a body holds is known only once it is
     * parsed, so a request that merely might not fit is parsed, then refused exactly if it does not.)
     */
    boolean isFull() {
        return capacity.availablePermits() == 0;
    }

    /** Queues a request; fails at once (never blocks) when the queue is full or the writer is stopping. */
    void submit(WriteRequest request) {
        if (!accepting) throw new IngestUnavailableException("server is shutting down", 5);
        if (request.count > config.queueCapacity()) {
            throw new RequestTooLargeException("request has " + request.count + " readings; at most "
                    + config.queueCapacity() + " (ingest.queue_capacity) fit in one request");
        }
        if (!capacity.tryAcquire(request.count)) throw queueFull();
        queue.add(request);
    }

    IngestUnavailableException queueFull() {
        return new IngestUnavailableException("ingest queue is full (" + queuedReadings() + " of "
                + config.queueCapacity() + " readings waiting); retry shortly", 1);
    }

    int queuedReadings() {
        return config.queueCapacity() - capacity.availablePermits();
    }

    int capacity() {
        return config.queueCapacity();
    }

    /** Stops taking requests, commits everything already queued, then stops the threads. */
    void stop(Duration timeout) throws InterruptedException {
        accepting = false;
        running = false;
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        for (WriteRequest left; (left = queue.poll()) != null; ) {
            fail(left, new IngestUnavailableException("server stopped before the request could be written", 5));
        }
        answers.shutdown();
        answers.awaitTermination(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())),
                TimeUnit.MILLISECONDS);
    }

    private void run() {
        List<WriteRequest> batch = new ArrayList<>();
        BinaryCopyEncoder encoder = new BinaryCopyEncoder();
        while (true) {
            WriteRequest first;
            try {
                first = queue.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (first == null) {
                if (!running && queue.isEmpty()) return;
                continue;
            }
            batch.add(first);
            int readings = first.count;
            // Linger while requests keep coming, at most `linger`: under load batches grow (PostgreSQL pays per COPY
            // transaction, ~0.7 µs a row at 100k rows, ~2 µs at 1k), while a lone request waits at most one gap.
            long lingerEnd = System.nanoTime() + config.linger().toNanos();
            while (readings < config.batchSize()) {
                WriteRequest next = queue.poll();
                if (next == null) next = pollUntil(Math.min(lingerEnd, System.nanoTime() + ARRIVAL_GAP.toNanos()));
                if (next == null) break;
                batch.add(next);
                readings += next.count;
            }
            write(batch, encoder);
            batch.clear();
        }
    }

    private WriteRequest pollUntil(long deadlineNanos) {
        long wait = deadlineNanos - System.nanoTime();
        if (wait <= 0) return null;
        try {
            return queue.poll(wait, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void write(List<WriteRequest> batch, BinaryCopyEncoder encoder) {
        long deadline = System.nanoTime() + config.commitTimeout().toNanos();
        Backoff backoff = new Backoff();
        while (true) {
            long started = System.nanoTime();
            try {
                ensurePartitions(batch);
                BatchTransaction.Outcome outcome = transaction.write(batch, encoder);
                commitTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                batchSize.record(outcome.written());
                complete(batch, outcome);
                return;
            } catch (BatchTransaction.CommitOutcomeUnknownException unknown) {
                log.warn("{}; asking PostgreSQL whether it committed", unknown.getMessage());
                BatchTransaction.Status status = awaitStatus(unknown.transactionId, deadline);
                if (status == BatchTransaction.Status.COMMITTED) {
                    complete(batch, unknown.outcome);
                    return;
                }
                if (status == null) {
                    failUnavailable(batch, unknown);
                    return;
                }
                // aborted: nothing was written, so writing again is safe
            } catch (RuntimeException e) {
                boolean retriable = SqlErrors.isRetriable(e);
                if (retriable && backoff.sleepIfBefore(deadline)) {
                    log.warn("Batch of {} requests failed ({}); retrying", batch.size(), e.getMessage());
                    continue;
                }
                if (retriable) {
                    failUnavailable(batch, e);
                } else if (batch.size() > 1) {
                    log.warn("Batch of {} requests failed ({}); writing them one by one", batch.size(), e.toString());
                    for (WriteRequest r : batch) write(List.of(r), encoder);
                } else {
                    log.error("Request of {} readings could not be written (SQLSTATE {})", batch.get(0).count,
                            SqlErrors.sqlState(e), e);
                    fail(batch.get(0), e);
                }
                return;
            }
        }
    }

    /** Polls the fate of a transaction whose COMMIT went unanswered; null if still unknown at the deadline. */
    private BatchTransaction.Status awaitStatus(long transactionId, long deadline) {
        Backoff backoff = new Backoff();
        do {
            try {
                BatchTransaction.Status status = transaction.status(transactionId);
                if (status != BatchTransaction.Status.IN_PROGRESS) return status;
            } catch (RuntimeException e) {
                log.debug("Transaction status not known yet: {}", e.getMessage());
            }
        } while (backoff.sleepIfBefore(deadline));
        return null;
    }

    private void failUnavailable(List<WriteRequest> batch, RuntimeException cause) {
        log.error("Database unavailable for {}; failing {} requests with 503",
                Durations.format(config.commitTimeout()), batch.size(), cause);
        RuntimeException unavailable = new DatabaseUnavailableException("database unavailable; the readings were not"
                + " acknowledged, retry with the same Idempotency-Key to be safe from duplicates", cause);
        batch.forEach(r -> fail(r, unavailable));
    }

    private void ensurePartitions(List<WriteRequest> batch) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (WriteRequest r : batch) {
            for (int i = 0; i < r.count; i++) {
                long ts = r.timestamps[i];
                if (ts < min) min = ts;
                if (ts > max) max = ts;
            }
        }
        partitions.ensureCovered(min, max);
    }

    private void complete(List<WriteRequest> batch, BatchTransaction.Outcome outcome) {
        notifyListeners(batch, outcome);
        for (WriteRequest r : batch) {
            capacity.release(r.count);
            BatchTransaction.StoredKey replay = outcome.replays().get(r);
            if (replay == null) {
                answer(r, new IngestResult(r.count, false), null);
            } else if (replay.requestHash().equals(r.requestHash)) {
                answer(r, new IngestResult(replay.accepted(), true), null);
            } else {
                answer(r, null, new IdempotencyKeyReusedException(r.idempotencyKey));
            }
        }
    }

    private void notifyListeners(List<WriteRequest> batch, BatchTransaction.Outcome outcome) {
        if (listeners.isEmpty() || outcome.written() == 0) return;
        List<WriteRequest> written = outcome.replays().isEmpty() ? batch
                : batch.stream().filter(r -> !outcome.replays().containsKey(r)).toList();
        CommittedReadings readings = new CommittedReadings(written);
        for (CommitListener listener : listeners) {
            try {
                listener.onCommit(readings);
            } catch (RuntimeException e) {
                log.error("Commit listener {} failed; the readings are committed regardless", listener, e);
            }
        }
    }

    private void fail(WriteRequest r, Throwable error) {
        capacity.release(r.count);
        answer(r, null, error);
    }

    private void answer(WriteRequest r, IngestResult result, Throwable error) {
        Runnable complete = () -> {
            if (error == null) r.result.complete(result);
            else r.result.completeExceptionally(error);
        };
        try {
            answers.execute(complete);
        } catch (RejectedExecutionException stopped) {
            complete.run();
        }
    }

    /** Capped exponential backoff with jitter: 25 ms doubling up to 1 s. */
    private static final class Backoff {
        private long millis = 25;

        /** Sleeps for the next interval if that ends before {@code deadlineNanos}; false (no sleep) otherwise. */
        boolean sleepIfBefore(long deadlineNanos) {
            if (System.nanoTime() + millis * 1_000_000 >= deadlineNanos) return false;
            try {
                Thread.sleep(millis + ThreadLocalRandom.current().nextLong(millis / 2 + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            millis = Math.min(millis * 2, MAX_BACKOFF.toMillis());
            return true;
        }
    }
}
