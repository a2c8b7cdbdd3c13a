package io.tidemark.ingest;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Answers the requests of a batch once its fate is known: gives each request's room back to the queue, and
 * completes each request's future, with its result or its failure. A future completes successfully only after its
 * readings are committed.
 *
 * <p>Completing a future runs the HTTP answer (JSON, Jetty, request log) on the completing thread; done on a writer,
 * a batch's answers would be written one after the other before its next COPY. So they run on a small pool of their
 * own.
 */
final class Acknowledger {
    private static final int ANSWER_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

    private final AdmissionQueue queue;
    private final ExecutorService answers = Executors.newFixedThreadPool(ANSWER_THREADS, r -> {
        Thread t = new Thread(r, "tidemark-answer");
        t.setDaemon(true);
        return t;
    });

    Acknowledger(AdmissionQueue queue) {
        this.queue = queue;
    }

    /**
     * The batch committed: requests that wrote readings are acknowledged with their count, requests whose key was
     * already stored get the stored answer replayed (or a 422 for a different body).
     */
    void committed(List<WriteRequest> batch, BatchTransaction.Outcome outcome) {
        for (WriteRequest r : batch) {
            IdempotencyKeys.StoredKey stored = outcome.replays().get(r);
            if (stored == null) {
                answer(r, new IngestResult(r.count, false), null);
                continue;
            }
            try {
                answer(r, IdempotencyKeys.replay(r.idempotencyKey, r.requestHash, stored), null);
            } catch (IdempotencyKeyReusedException reused) {
                answer(r, null, reused);
            }
        }
    }

    /** Nothing of the request was stored. */
    void failed(WriteRequest r, Throwable error) {
        answer(r, null, error);
    }

    /** Lets the answers already handed over go out, waiting at most {@code timeout}. */
    void stop(Duration timeout) throws InterruptedException {
        answers.shutdown();
        answers.awaitTermination(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    }

    private void answer(WriteRequest r, IngestResult result, Throwable error) {
        queue.release(r);
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
}
