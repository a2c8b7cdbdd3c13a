package io.tidemark.jobs;

import io.tidemark.storage.ReadingsSummaries;
import io.tidemark.storage.WriteLog;
import io.tidemark.time.EpochMicros;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.jdbi.v3.core.statement.Update;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * One run of an incremental job, on a connection that holds the job's run lock. Everything to compute is a dirty
 * bucket; a run first <em>absorbs and advances</em>, then <em>computes</em> dirty buckets until none are left.
 *
 * <ol>
 *   <li>Absorb and advance, in one short REPEATABLE READ transaction: every {@link WriteLog} entry of the job's
 *       source committed since the job's cursor makes its buckets below the watermark dirty; the buckets from the
 *       watermark up to {@code now - lag} (and, for a job reading another job's target, up to that job's watermark)
 *       are marked dirty too and the watermark moves past them; the cursor becomes this transaction's snapshot. A
 *       write is either visible in that snapshot, and then to every computation after it, or its entry is absorbed
 *       by a later run. Writers never read or lock anything of the job's, so neither waits for the other.</li>
 *   <li>Compute, one transaction per batch of up to {@code max_buckets} buckets: take the oldest dirty buckets (they
 *       belong to this job and its run lock alone), run the job's statements once per contiguous range of them, and
 *       append the recomputed ranges to the write log of the job's target, for the jobs downstream.</li>
 * </ol>
 * A failed compute transaction rolls back whole, so its buckets stay dirty for the retry.
 */
final class IncrementalRun {
    /** The raw source: the readings table. */
    private static final String READINGS = "readings";
    /**
     * The absorb: buckets below the watermark that writes committed since the cursor touched become dirty. Whatever
     * lies at or past the watermark is left to the advance that follows, which marks its whole window.
     */
    private static final String ABSORB = """
            INSERT INTO dirty_buckets (job, bucket)
            SELECT :job, b
            FROM job_state s
            CROSS JOIN LATERAL unnest(write_log_unabsorbed(:source, s.log_cursor)) AS r(span)
            CROSS JOIN LATERAL generate_series(date_bin(:width, lower(r.span), TIMESTAMPTZ 'epoch'),
                                               least(upper(r.span), :watermark) - INTERVAL '1 microsecond',
                                               :width) AS b
            WHERE s.job = :job AND lower(r.span) < :watermark
            ON CONFLICT DO NOTHING""";

    private final JobDefinition job;
    private final JobCatalog catalog;
    private final Handle h;
    private final TransactionTimes transactions;

    IncrementalRun(JobDefinition job, JobCatalog catalog, Handle handle, TransactionTimes transactions) {
        this.job = job;
        this.catalog = catalog;
        this.h = handle;
        this.transactions = transactions;
        h.getConfig(SqlStatements.class).setUnusedBindingAllowed(true);
    }

    /** Told what a run has committed so far, and how many buckets it had to compute when it began computing. */
    interface Progress {
        void report(RunOutcome sofar, long total);
    }

    /**
     * Absorbs and advances, then computes until no dirty bucket is left or {@code enough} says so (checked after each
     * batch), telling {@code progress} when computing begins and after each committed batch.
     */
    RunOutcome run(Instant now, BooleanSupplier enough, Progress progress) {
        timed("advance", () -> advance(now));
        long pending = h.createQuery("SELECT count(*) FROM dirty_buckets WHERE job = :job")
                .bind("job", job.name()).mapTo(Long.class).one();
        progress.report(RunOutcome.NOTHING, pending);
        RunOutcome total = RunOutcome.NOTHING;
        while (true) {
            RunOutcome batch = timed("compute", this::computeBatch);
            total = total.plus(batch);
            if (batch.buckets() > 0) progress.report(total, Math.max(pending, total.buckets()));
            if (batch.buckets() < job.maxBuckets() || enough.getAsBoolean()) break;
        }
        JobStateStore.purgeWriteLog(h);
        // The pages this run has just read; live rollups past the watermark then read only what came after them.
        if (job.source().equals(READINGS)) timed("summarize", () -> ReadingsSummaries.summarizeNew(h));
        if (job.retention() != null) {
            h.createUpdate("DELETE FROM " + job.target() + " WHERE bucket < :cutoff")
                    .bind("cutoff", offset(now.minus(job.retention()))).execute();
        }
        return total;
    }

    /**
     * Marks dirty every bucket below the watermark that overlaps both [from, to) and {@code data} (where the source
     * can hold data), so the compute that follows recomputes it: no work is made for time that cannot hold data.
     */
    int markForRecompute(Instant from, Instant to, List<SourceData.Span> data) {
        return h.inTransaction(tx -> tx.createUpdate("""
                        INSERT INTO dirty_buckets (job, bucket)
                        SELECT :job, b
                        FROM job_state s
                        CROSS JOIN LATERAL unnest(CAST(:data AS tstzmultirange)
                            * tstzmultirange(tstzrange(:from, greatest(:from, least(:to, s.watermark))))) AS r(span)
                        CROSS JOIN LATERAL generate_series(date_bin(s.bucket_width, lower(r.span), TIMESTAMPTZ 'epoch'),
                                                           upper(r.span) - INTERVAL '1 microsecond',
                                                           s.bucket_width) AS b
                        WHERE s.job = :job
                        ON CONFLICT DO NOTHING""")
                .bind("job", job.name())
                .bind("data", SourceData.multirange(data))
                .bind("from", offset(from))
                .bind("to", offset(to))
                .execute());
    }

    /**
     * Absorbs the write log without advancing (see the class comment), in a transaction of its own: between runs, so
     * that the log stays short and the live functions have little to read. Call holding the job's run lock.
     */
    int absorbOnly() {
        return h.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, tx -> absorb(tx, lockedWatermark(tx)));
    }

    private Instant lockedWatermark(Handle tx) {
        return tx.createQuery("SELECT watermark FROM job_state WHERE job = :job FOR UPDATE")
                .bind("job", job.name()).mapTo(OffsetDateTime.class).one().toInstant();
    }

    /** Moves the entries committed since the cursor into dirty_buckets, and the cursor to this transaction. */
    private int absorb(Handle tx, Instant watermark) {
        int absorbed = tx.createUpdate(ABSORB).bind("job", job.name()).bind("source", job.source())
                .bind("width", job.bucket()).bind("watermark", offset(watermark)).execute();
        tx.createUpdate("UPDATE job_state SET log_cursor = pg_current_snapshot() WHERE job = :job")
                .bind("job", job.name()).execute();
        return absorbed;
    }

    private int advance(Instant now) {
        return h.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, tx -> {
            Instant watermark = lockedWatermark(tx);
            int absorbed = absorb(tx, watermark);
            Instant end = JobStateStore.floor(now.minus(job.lag()), job.bucket());
            Optional<JobDefinition> upstream = catalog.writerOf(job.source());
            if (upstream.isPresent()) {
                Instant upstreamWatermark = tx.createQuery("SELECT watermark FROM job_state WHERE job = :job")
                        .bind("job", upstream.get().name()).mapTo(OffsetDateTime.class).one().toInstant();
                end = min(end, JobStateStore.floor(upstreamWatermark, job.bucket()));
            }
            end = min(end, watermark.plus(job.bucket().multipliedBy(JobDefinition.MAX_ADVANCE_BUCKETS)));
            if (!end.isAfter(watermark)) return absorbed;
            tx.createUpdate("""
                            INSERT INTO dirty_buckets (job, bucket)
                            SELECT :job, generate_series(:from, :to - :width, :width)
                            ON CONFLICT DO NOTHING""")
                    .bind("job", job.name()).bind("from", offset(watermark)).bind("to", offset(end))
                    .bind("width", job.bucket()).execute();
            tx.createUpdate("UPDATE job_state SET watermark = :to, updated_at = now() WHERE job = :job")
                    .bind("job", job.name()).bind("to", offset(end)).execute();
            return absorbed;
        });
    }

    private RunOutcome computeBatch() {
        return h.inTransaction(tx -> {
            JobRunner.configureTransaction(tx, job);
            List<Instant> buckets = tx.createQuery("""
                            DELETE FROM dirty_buckets WHERE job = :job AND bucket IN (
                                SELECT bucket FROM dirty_buckets WHERE job = :job ORDER BY bucket LIMIT :n)
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

    /** Tells the jobs reading this job's target, through its write log, which ranges were recomputed. */
    private void markDownstream(Handle tx, List<Instant[]> ranges) {
        long[] starts = ranges.stream().mapToLong(r -> EpochMicros.of(r[0])).toArray();
        long[] ends = ranges.stream().mapToLong(r -> EpochMicros.of(r[1])).toArray();
        try {
            WriteLog.appendRanges(tx.getConnection(), job.target(), starts, ends);
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException("logging the recomputed ranges of " + job.name(), e, null);
        }
    }

    private <T> T timed(String step, Supplier<T> transaction) {
        long started = System.nanoTime();
        try {
            return transaction.get();
        } finally {
            transactions.record(job.name(), step, System.nanoTime() - started);
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
