package io.tidemark.jobs;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatements;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one job once: takes the job's run lock (a session advisory lock, so a job runs on exactly one server instance
 * at a time and never overlaps itself), records the run in {@code job_runs}, and runs it. The lock dies with the
 * connection, so a crashed instance never leaves a job locked. Every statement on the locked connection runs under
 * the job's {@code timeout}, so no statement of a run can hold the lock (and a pool connection) forever.
 */
final class JobRunner {
    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
    /** First key of the two-int advisory lock; the second is hashtext(job name). */
    private static final int RUN_LOCK_CLASS = 0x7469_6465; // "tide"
    private static final String JOB_WORK_MEM = "64MB";

    private final Jdbi jdbi;
    private final JobRuns runs;
    private final Clock clock;
    private final TransactionTimes transactions;

    JobRunner(Jdbi jdbi, JobRuns runs, Clock clock, TransactionTimes transactions) {
        this.jdbi = jdbi;
        this.runs = runs;
        this.clock = clock;
        this.transactions = transactions;
    }

    /**
     * Runs {@code job} and waits for it. {@code slot} is the schedule slot a scheduled run is for (null for others).
     *
     * @return the recorded run, successful or failed
     * @throws JobBusyException if the job is running elsewhere
     */
    JobRun run(JobDefinition job, JobCatalog catalog, RunTrigger trigger, Instant slot, String requestedBy) {
        Handle h = lock(job);
        if (h == null) throw new JobBusyException(job.name());
        try {
            long id = begin(job, trigger, slot, requestedBy);
            Instant now = clock.instant();
            Instant deadline = now.plus(job.timeout());
            return execute(h, id, job, catalog, null, () -> Instant.now().isAfter(deadline));
        } finally {
            release(h, job);
        }
    }

    /**
     * Starts a backfill of {@code range} on {@code executor} and returns its run at once (status {@code running}).
     * An incremental job recomputes every bucket of the range where its source can hold data, in batches of {@code
     * max_buckets}, until none is left or {@code stopping} says so; a plain job runs once with the range as window.
     *
     * @throws JobBusyException if the job is running (a backfill holds the run lock to its end)
     */
    JobRun startBackfill(JobDefinition job, JobCatalog catalog, Backfill range, Executor executor,
            BooleanSupplier stopping, String requestedBy, Consumer<JobRun> done) {
        Handle h = lock(job);
        if (h == null) throw new JobBusyException(job.name());
        long id;
        try {
            id = begin(job, RunTrigger.BACKFILL, null, requestedBy);
        } catch (RuntimeException e) {
            release(h, job);
            throw e;
        }
        try {
            executor.execute(() -> {
                JobRun ended;
                try {
                    ended = execute(h, id, job, catalog, range, stopping);
                } finally {
                    release(h, job);
                }
                done.accept(ended);
            });
        } catch (RejectedExecutionException e) {
            release(h, job);
            return runs.fail(id, RunOutcome.NOTHING, new IllegalStateException("the server is stopping"));
        }
        return runs.get(id).orElseThrow();
    }

    /**
     * Absorbs the write log of an incremental job without running it, unless a run holds the job (which absorbs
     * first thing); returns the buckets marked dirty.
     */
    int absorb(JobDefinition job, JobCatalog catalog) {
        Handle h = lock(job);
        if (h == null) return 0;
        try {
            return new IncrementalRun(job, catalog, h, transactions).absorbOnly();
        } finally {
            release(h, job);
        }
    }

    /**
     * A connection holding the job's run lock (a session advisory lock, so one instance at a time, released with the
     * connection if it dies) with the job's statement timeout, or null if someone holds the lock.
     */
    private Handle lock(JobDefinition job) {
        Handle h = jdbi.open();
        try {
            boolean locked = h.createQuery("SELECT pg_try_advisory_lock(:class, hashtext(:job))")
                    .bind("class", RUN_LOCK_CLASS).bind("job", job.name()).mapTo(Boolean.class).one();
            if (!locked) {
                h.close();
                return null;
            }
            h.execute("SELECT set_config('statement_timeout', ?, false)", job.timeout().toMillis() + "ms");
            return h;
        } catch (RuntimeException e) {
            h.close();
            throw e;
        }
    }

    private long begin(JobDefinition job, RunTrigger trigger, Instant slot, String requestedBy) {
        runs.abandonUnfinished(job.name());
        return runs.start(job.name(), trigger, slot, requestedBy);
    }

    private JobRun execute(Handle h, long id, JobDefinition job, JobCatalog catalog, Backfill range,
            BooleanSupplier enough) {
        Instant now = clock.instant();
        try {
            RunOutcome outcome;
            if (job.incremental()) {
                IncrementalRun run = new IncrementalRun(job, catalog, h, transactions);
                if (range != null) run.markForRecompute(range.from(), range.to(), range.data());
                outcome = run.run(now, enough, (sofar, total) -> runs.progress(id, sofar, total));
                if (range != null && enough.getAsBoolean()) {
                    throw new IllegalStateException("backfill stopped with the server after " + outcome.buckets()
                            + " buckets; the rest stay marked and later runs compute them");
                }
            } else {
                Instant from = range != null ? range.from() : runs.lastWindowEnd(job.name())
                        .orElse(now.minus(job.schedule().period()));
                outcome = runPlain(h, job, from, range != null ? range.to() : now);
            }
            JobRun done = runs.succeed(id, outcome);
            log.debug("Job {} run {} wrote {} rows in {} buckets", job.name(), id, outcome.rowsWritten(),
                    outcome.buckets());
            return done;
        } catch (RuntimeException e) {
            log.warn("Job {} run {} failed: {}", job.name(), id, e.getMessage());
            try {
                return runs.fail(id, RunOutcome.NOTHING, e);
            } catch (RuntimeException recordFailure) {
                e.addSuppressed(recordFailure);
                throw e; // the database is gone; the run row stays 'running' and is marked abandoned later
            }
        }
    }

    private static RunOutcome runPlain(Handle h, JobDefinition job, Instant from, Instant to) {
        h.getConfig(SqlStatements.class).setUnusedBindingAllowed(true);
        return h.inTransaction(tx -> {
            configureTransaction(tx, job);
            long rows = 0;
            for (String statement : job.statements()) {
                rows += tx.createUpdate(statement)
                        .bind("window_start", IncrementalRun.offset(from))
                        .bind("window_end", IncrementalRun.offset(to))
                        .execute();
            }
            return new RunOutcome(from, to, 0, rows);
        });
    }

    /**
     * Settings for the transaction that runs a job's statements: plans made for the actual window. A job's
     * statements are prepared once and run with new bounds every time; a generic plan cannot prune {@code readings}'
     * partitions at plan time and, sized for all of them, picks a sort that spills to disk, so an incremental run grew
     * with the history (measured: 22 ms custom against 60-160 ms generic for one minute of 100k readings). Runs are
     * rare: planning each time costs nothing that matters. More work_mem keeps a batch of buckets' aggregation in
     * memory. (The statement timeout is the connection's, set when the run lock is taken.)
     */
    static void configureTransaction(Handle tx, JobDefinition job) {
        tx.execute("SELECT set_config('plan_cache_mode', 'force_custom_plan', true), set_config('work_mem', ?, true)",
                JOB_WORK_MEM);
    }

    /** Gives the connection back as it came: timeout reset, lock released (it also dies with the connection). */
    private static void release(Handle h, JobDefinition job) {
        try (h) {
            h.execute("RESET statement_timeout");
            h.createQuery("SELECT pg_advisory_unlock(:class, hashtext(:job))")
                    .bind("class", RUN_LOCK_CLASS).bind("job", job.name()).mapTo(Boolean.class).one();
        } catch (RuntimeException e) {
            log.debug("Could not unlock job {} (its connection is gone, which releases it): {}", job.name(),
                    e.getMessage());
        }
    }

    /** A backfill: recompute [from, to), where the job's source can hold data ({@code data}, oldest first). */
    record Backfill(Instant from, Instant to, List<SourceData.Span> data) {}
}
