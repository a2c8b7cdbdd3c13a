package io.tidemark.ingest;

import java.time.Duration;
import java.util.ArrayList;
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
 * <p>Completing a future runs the HTTP answer (written to the socket, timed) on the completing thread; done on a
 * writer, a batch's answers would be written one after the other before its next COPY. So they run on a small pool
 * of their own.
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
        List<Runnable> completions = new ArrayList<>(batch.size());
        for (WriteRequest r : batch) {
            IdempotencyKeys.StoredKey stored = outcome.replays().get(r);
            if (stored == null) {
                completions.add(release(r, new IngestResult(r.count, false), null));
                continue;
            }
            try {
                completions.add(release(r, IdempotencyKeys.replay(r.idempotencyKey, r.requestHash, stored), null));
            } catch (IdempotencyKeyReusedException reused) {
                completions.add(release(r, null, reused));
            }
        }
        // One task per answer thread rather than one per request: a batch of small writes is hundreds of requests,
        // and each hand-over to the pool costs a lock and a wake-up that the answer itself no longer outweighs.
        int slice = Math.max(1, (completions.size() + ANSWER_THREADS - 1) / ANSWER_THREADS);
        for (int from = 0; from < completions.size(); from += slice) {
            List<Runnable> part = completions.subList(from, Math.min(completions.size(), from + slice));
            run(() -> part.forEach(Runnable::run));
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
        run(release(r, result, error));
    }

    /** Gives the request's room back to the queue, and says how to complete its future. */
    private Runnable release(WriteRequest r, IngestResult result, Throwable error) {
        queue.release(r);
        return () -> {
            if (error == null) r.result.complete(result);
            else r.result.completeExceptionally(error);
        };
    }

    private void run(Runnable completion) {
        try {
            answers.execute(completion);
        } catch (RejectedExecutionException stopped) {
            completion.run();
        }
    }
}
