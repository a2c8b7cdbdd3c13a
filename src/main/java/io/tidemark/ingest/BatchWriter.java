package io.tidemark.ingest;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tidemark.config.Durations;
import io.tidemark.config.IngestConfig;
import io.tidemark.retry.Backoff;
import io.tidemark.storage.DatabaseUnavailableException;
import io.tidemark.storage.PartitionManager;
import io.tidemark.storage.ReadingsCopyEncoder;
import io.tidemark.storage.ResourceShortage;
import io.tidemark.storage.SqlErrors;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one group-commit batch until its fate is known, then hands it to the {@link Acknowledger}.
 *
 * <p>Retriable failures (a lost connection, a database restarting) are retried with backoff until
 * {@code ingest.commit_timeout}, then every request of the batch fails with {@link DatabaseUnavailableException} (a
 * 503). Every wait for a lock, making partitions or inside the transaction, is bounded by what is left of that
 * budget too, so a lock held elsewhere (a migration, an operator's {@code LOCK TABLE}) costs the batch a 503 at the
 * deadline, never a hung request.
 *
 * <p>PostgreSQL out of disk space or memory ({@link ResourceShortage}) fails the batch's requests at once with a 503
 * naming the cause, through {@link WriteRefusals}, which logs the condition once; nothing of the batch is stored.
 *
 * <p>A COMMIT that went unanswered is never simply retried: PostgreSQL is asked whether the transaction committed,
 * so a batch is written at most once. Any other failure splits the batch and writes its requests one by one, so one
 * bad request cannot fail the others. Called by the writer threads; thread-safe.
 */
final class BatchWriter {
    private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(25);
    private static final Duration MAX_RETRY = Duration.ofSeconds(1);

    private final BatchTransaction transaction;
    /** Up to this many partitions between a batch's first and last reading are all made (see ensurePartitions). */
    private static final int CONTIGUOUS_PARTITIONS = 256;
    private final PartitionManager partitions;
    private final Acknowledger acknowledger;
    private final WriteRefusals refusals;
    private final Duration commitTimeout;
    private final Timer commitTimer;
    private final DistributionSummary batchSize;

    BatchWriter(BatchTransaction transaction, PartitionManager partitions, Acknowledger acknowledger,
            WriteRefusals refusals, IngestConfig config, MeterRegistry registry) {
        this.transaction = transaction;
        this.partitions = partitions;
        this.acknowledger = acknowledger;
        this.refusals = refusals;
        this.commitTimeout = config.commitTimeout();
        this.commitTimer = Timer.builder("tidemark.ingest.commit")
                .description("Time to write and commit one group-commit batch")
                .publishPercentileHistogram().register(registry);
        this.batchSize = DistributionSummary.builder("tidemark.ingest.batch.readings")
                .description("Readings per committed batch").publishPercentileHistogram().register(registry);
    }

    void write(List<WriteRequest> batch, ReadingsCopyEncoder encoder) {
        long deadline = System.nanoTime() + commitTimeout.toNanos();
        Backoff backoff = new Backoff(FIRST_RETRY, MAX_RETRY);
        while (true) {
            long started = System.nanoTime();
            try {
                ensurePartitions(batch, Duration.ofNanos(deadline - started));
                BatchTransaction.Outcome outcome =
                        transaction.write(batch, encoder, Duration.ofNanos(deadline - System.nanoTime()));
                commitTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                batchSize.record(outcome.written());
                acknowledger.committed(batch, outcome);
                refusals.committed();
                return;
            } catch (BatchTransaction.CommitOutcomeUnknownException unknown) {
                log.warn("{}; asking PostgreSQL whether it committed", unknown.getMessage());
                BatchTransaction.Status status = awaitStatus(unknown.transactionId, deadline);
                if (status == BatchTransaction.Status.COMMITTED) {
                    acknowledger.committed(batch, unknown.outcome);
                    refusals.committed();
                    return;
                }
                if (status == null) {
                    failUnavailable(batch, unknown);
                    return;
                }
                // aborted: nothing was written, so writing again is safe
            } catch (RuntimeException e) {
                ResourceShortage shortage = SqlErrors.resourceShortage(e);
                if (shortage != null) {
                    // The whole batch fails alike (splitting it would only fail each request again); the client's
                    // retry, after Retry-After, is the retry. Logged once per condition, not per batch.
                    RuntimeException refused = refusals.refuse(shortage, e.getMessage(), batch.size());
                    batch.forEach(r -> acknowledger.failed(r, refused));
                    return;
                }
                // A timeout is the budget set above running out (a lock held elsewhere): the batch waited its share.
                boolean retriable = SqlErrors.isRetriable(e) || SqlErrors.isTimeout(e);
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
                    acknowledger.failed(batch.get(0), e);
                }
                return;
            }
        }
    }

    /** Polls the fate of a transaction whose COMMIT went unanswered; null if still unknown at the deadline. */
    private BatchTransaction.Status awaitStatus(long transactionId, long deadline) {
        Backoff backoff = new Backoff(FIRST_RETRY, MAX_RETRY);
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
        log.error("Database unavailable for {}; failing {} requests with 503", Durations.format(commitTimeout),
                batch.size(), cause);
        RuntimeException unavailable = new DatabaseUnavailableException("database unavailable; the readings were not"
                + " acknowledged, retry with the same Idempotency-Key to be safe from duplicates", cause);
        batch.forEach(r -> acknowledger.failed(r, unavailable));
    }

    /**
     * Usually a batch spans a few partitions and every one between its first and last reading is made, so the
     * partitions stay without gaps. A batch whose readings lie further apart (years, with a wide
     * {@code ingest.max_age}) gets only the partitions its readings fall into: the whole range could be thousands of
     * tables in one transaction, past PostgreSQL's lock table (53200, and every write refused).
     */
    private void ensurePartitions(List<WriteRequest> batch, Duration waitBudget) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (WriteRequest r : batch) {
            min = Math.min(min, r.minTimestamp);
            max = Math.max(max, r.maxTimestamp);
        }
        if (partitions.partitionsBetween(min, max) <= CONTIGUOUS_PARTITIONS) {
            partitions.ensureCovered(min, max, waitBudget);
            return;
        }
        TreeSet<Long> starts = new TreeSet<>();
        for (WriteRequest r : batch) {
            for (int i = 0; i < r.count; i++) starts.add(partitions.partitionStart(r.timestamps[i]));
        }
        partitions.ensureExist(starts, waitBudget);
    }
}
