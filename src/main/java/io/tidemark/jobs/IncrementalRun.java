package io.tidemark.jobs;

import io.tidemark.storage.DirtyBuckets;
import io.tidemark.time.EpochMicros;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.jdbi.v3.core.statement.Update;

/**
 * One run of an incremental job, on a connection that holds the job's run lock. Everything to compute is a dirty
 * bucket; a run first <em>advances</em> the watermark, then <em>computes</em> dirty buckets until none are left.
 *
 * <ol>
 *   <li>Advance, in a short transaction holding the job's {@code job_state} row exclusively: the buckets from the
 *       watermark up to {@code now - lag} (and, for a job reading another job's target, up to that job's watermark)
 *       are marked dirty and the watermark moves past them. Writers share-lock the row while they decide whether a
 *       reading is late (see {@link DirtyBuckets}), so a reading is either committed before the advance or marked
 *       dirty after it.</li>
 *   <li>Compute, one transaction per batch of up to {@code max_buckets} buckets: take (lock in bucket order, then
 *       delete) the oldest dirty buckets, run the job's statements once per contiguous range of them, and mark the
 *       buckets of downstream jobs that read this job's target. A writer marking a bucket holds a lock on its row
 *       until it commits: if the row is already taken here, the writer's mark waits for this transaction and lands
 *       after it, for the next batch; if the writer holds it, taking it waits for the writer's commit, and the
 *       statements that follow see its readings. No late reading is ever dropped.</li>
 * </ol>
 * A failed compute transaction rolls back whole, so its buckets stay dirty for the retry.
 */
final class IncrementalRun {
    private final JobDefinition job;
    private final JobCatalog catalog;
    private final Handle h;

    IncrementalRun(JobDefinition job, JobCatalog catalog, Handle handle) {
        this.job = job;
        this.catalog = catalog;
        this.h = handle;
        h.getConfig(SqlStatements.class).setUnusedBindingAllowed(true);
    }

    /** Advances, then computes until no dirty bucket is left or {@code deadline} passes. */
    RunOutcome run(Instant now, Instant deadline) {
        advance(now);
        RunOutcome total = RunOutcome.NOTHING;
        while (true) {
            RunOutcome batch = computeBatch();
            total = total.plus(batch);
            if (batch.buckets() < job.maxBuckets() || Instant.now().isAfter(deadline)) break;
        }
        if (job.retention() != null) {
            h.createUpdate("DELETE FROM " + job.target() + " WHERE bucket < :cutoff")
                    .bind("cutoff", offset(now.minus(job.retention()))).execute();
        }
        return total;
    }

    /** Marks every bucket of [from, to) below the watermark dirty, so the next compute recomputes it. */
    int markForRecompute(Instant from, Instant to) {
        return h.inTransaction(tx -> tx.createUpdate("""
                        INSERT INTO dirty_buckets (job, bucket)
                        SELECT :job, b FROM job_state s,
                            generate_series(:from, least(:to, s.watermark) - s.bucket_width, s.bucket_width) AS b
                        WHERE s.job = :job
                        ON CONFLICT DO NOTHING""")
                .bind("job", job.name())
                .bind("from", offset(JobStateStore.floor(from, job.bucket())))
                .bind("to", offset(to))
                .execute());
    }

    private void advance(Instant now) {
        h.useTransaction(tx -> {
            Instant watermark = tx.createQuery("SELECT watermark FROM job_state WHERE job = :job FOR UPDATE")
                    .bind("job", job.name()).mapTo(OffsetDateTime.class).one().toInstant();
            Instant end = JobStateStore.floor(now.minus(job.lag()), job.bucket());
            Optional<JobDefinition> upstream = catalog.writerOf(job.source());
            if (upstream.isPresent()) {
                Instant upstreamWatermark = tx.createQuery("SELECT watermark FROM job_state WHERE job = :job")
                        .bind("job", upstream.get().name()).mapTo(OffsetDateTime.class).one().toInstant();
                end = min(end, JobStateStore.floor(upstreamWatermark, job.bucket()));
            }
            end = min(end, watermark.plus(job.bucket().multipliedBy(job.maxBuckets())));
            if (!end.isAfter(watermark)) return;
            tx.createUpdate("""
                            INSERT INTO dirty_buckets (job, bucket)
                            SELECT :job, generate_series(:from, :to - :width, :width)
                            ON CONFLICT DO NOTHING""")
                    .bind("job", job.name()).bind("from", offset(watermark)).bind("to", offset(end))
                    .bind("width", job.bucket()).execute();
            tx.createUpdate("UPDATE job_state SET watermark = :to, updated_at = now() WHERE job = :job")
                    .bind("job", job.name()).bind("to", offset(end)).execute();
        });
    }

    private RunOutcome computeBatch() {
        return h.inTransaction(tx -> {
            JobRunner.configureTransaction(tx, job);
            List<Instant> buckets = tx.createQuery("""
                            DELETE FROM dirty_buckets WHERE job = :job AND bucket IN (
                                SELECT bucket FROM dirty_buckets WHERE job = :job ORDER BY bucket LIMIT :n
                                FOR UPDATE)
                            RETURNING bucket""")
                    .bind("job", job.name()).bind("n", job.maxBuckets())
                    .mapTo(OffsetDateTime.class).map(OffsetDateTime::toInstant).list();
            if (buckets.isEmpty()) return RunOutcome.NOTHING;
            List<Instant[]> ranges = contiguousRanges(buckets, job.bucket());
            long rows = 0;
            for (Instant[] range : ranges) {
                for (String statement : job.statements()) {
                    Update update = tx.createUpdate(statement)
                            .bind("window_start", offset(range[0]))
                            .bind("window_end", offset(range[1]))
                            .bind("bucket_width", job.bucket());
                    int changed = update.execute();
                    // rows_written counts what the job wrote, not the rows it cleared first
                    if (!statement.stripLeading().regionMatches(true, 0, "DELETE", 0, 6)) rows += changed;
                }
            }
            markDownstream(tx, ranges);
            return new RunOutcome(ranges.get(0)[0], ranges.get(ranges.size() - 1)[1], buckets.size(), rows);
        });
    }

    /** Marks the buckets of jobs reading this job's target that the recomputed ranges touched. */
    private void markDownstream(Handle tx, List<Instant[]> ranges) {
        try {
            Connection c = tx.getConnection();
            DirtyBuckets.Readers readers = DirtyBuckets.lockReaders(c, job.target());
            DirtyBuckets.markWritten(c, readers, EpochMicros.of(ranges.get(0)[0]), consumer -> {
                for (Instant[] range : ranges) consumer.accept(EpochMicros.of(range[0]), EpochMicros.of(range[1]));
            });
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException("marking downstream buckets of " + job.name(), e, null);
        }
    }

    /** Sorted bucket starts to half-open [start, end) ranges of adjacent buckets. */
    static List<Instant[]> contiguousRanges(List<Instant> buckets, Duration width) {
        List<Instant> sorted = buckets.stream().sorted().toList();
        List<Instant[]> ranges = new ArrayList<>();
        Instant start = sorted.get(0);
        Instant end = start.plus(width);
        for (Instant b : sorted.subList(1, sorted.size())) {
            if (b.equals(end)) {
                end = b.plus(width);
            } else {
                ranges.add(new Instant[] {start, end});
                start = b;
                end = b.plus(width);
            }
        }
        ranges.add(new Instant[] {start, end});
        return ranges;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    static OffsetDateTime offset(Instant t) {
        return t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }
}
