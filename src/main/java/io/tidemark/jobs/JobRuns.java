package io.tidemark.jobs;

import io.tidemark.storage.SqlErrors;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * The {@code job_runs} history: a row is written when a run starts and completed when it ends, in their own
 * transactions, so a run that fails (or a server that dies mid-run) still leaves a trace. Bounded per job.
 */
final class JobRuns {
    private static final int MAX_ERROR_LENGTH = 2000;
    private static final RowMapper<JobRun> MAPPER = (rs, ctx) -> new JobRun(
            rs.getLong("id"), rs.getString("job"), rs.getString("trigger"), rs.getString("status"),
            rs.getString("instance"), instant(rs.getObject("window_start", OffsetDateTime.class)),
            instant(rs.getObject("window_end", OffsetDateTime.class)), (Integer) rs.getObject("buckets"),
            (Integer) rs.getObject("buckets_total"), (Long) rs.getObject("rows_written"),
            instant(rs.getObject("started_at", OffsetDateTime.class)),
            instant(rs.getObject("finished_at", OffsetDateTime.class)), rs.getString("error_sqlstate"),
            rs.getString("error_message"), rs.getString("requested_by"));

    private final Jdbi jdbi;
    private final String instance;
    private final int keepPerJob;

    JobRuns(Jdbi jdbi, String instance, int keepPerJob) {
        this.jdbi = jdbi;
        this.instance = instance;
        this.keepPerJob = keepPerJob;
    }

    /**
     * Marks earlier runs of {@code job} still 'running' as abandoned. Call only while holding the job's run lock:
     * then no such run can be alive.
     */
    void abandonUnfinished(String job) {
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE job_runs SET status = 'abandoned', finished_at = now(),
                            error_message = 'no result recorded: the server running it stopped or lost its database'
                        WHERE job = :job AND status = 'running'""")
                .bind("job", job).execute());
    }

    /**
     * Records a run as started; {@code slot} is the schedule slot a scheduled run is for, else null; {@code
     * requestedBy} the token that asked for it, null for a scheduled run.
     */
    long start(String job, RunTrigger trigger, Instant slot, String requestedBy) {
        return jdbi.withHandle(h -> h.createQuery("""
                        INSERT INTO job_runs (job, trigger, status, instance, scheduled_for, requested_by)
                        VALUES (:job, :trigger, 'running', :instance, :slot, :requested_by)
                        RETURNING id""")
                .bind("job", job).bind("trigger", trigger.sqlName()).bind("instance", instance)
                .bind("slot", offset(slot)).bind("requested_by", requestedBy).mapTo(Long.class).one());
    }

    /** The newest schedule slot each job ran for, whatever its outcome: where its schedule resumes. */
    Map<String, Instant> lastSlots() {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT job, max(scheduled_for) FROM job_runs WHERE scheduled_for IS NOT NULL GROUP BY job""")
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    /**
     * What a running run has committed so far (buckets done) of the {@code total} buckets it has to compute, so that
     * a long run shows its progress in {@code job_runs}.
     */
    void progress(long id, RunOutcome sofar, long total) {
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE job_runs SET window_start = :from, window_end = :to, buckets = :buckets,
                            rows_written = :rows, buckets_total = :total
                        WHERE id = :id AND status = 'running'""")
                .bind("id", id).bind("from", offset(sofar.windowStart())).bind("to", offset(sofar.windowEnd()))
                .bind("buckets", sofar.buckets()).bind("rows", sofar.rowsWritten())
                .bind("total", (int) Math.min(Integer.MAX_VALUE, total)).execute());
    }

    JobRun succeed(long id, RunOutcome outcome) {
        return finish(id, "succeeded", outcome, null, null);
    }

    JobRun fail(long id, RunOutcome partial, Throwable error) {
        String message = error.getMessage() == null ? error.toString() : error.getMessage();
        if (message.length() > MAX_ERROR_LENGTH) message = message.substring(0, MAX_ERROR_LENGTH) + "...";
        return finish(id, "failed", partial, SqlErrors.sqlState(error), message);
    }

    private JobRun finish(long id, String status, RunOutcome outcome, String sqlState, String message) {
        return jdbi.withHandle(h -> {
            JobRun run = h.createQuery("""
                            UPDATE job_runs SET status = :status, finished_at = now(), window_start = :from,
                                window_end = :to, buckets = :buckets, rows_written = :rows,
                                error_sqlstate = :sqlstate, error_message = :message
                            WHERE id = :id RETURNING *""")
                    .bind("id", id).bind("status", status)
                    .bind("from", offset(outcome.windowStart())).bind("to", offset(outcome.windowEnd()))
                    .bind("buckets", outcome.buckets()).bind("rows", outcome.rowsWritten())
                    .bind("sqlstate", sqlState).bind("message", message)
                    .map(MAPPER).one();
            h.createUpdate("""
                            DELETE FROM job_runs WHERE job = :job AND id <= (
                                SELECT id FROM job_runs WHERE job = :job ORDER BY id DESC OFFSET :keep LIMIT 1)""")
                    .bind("job", run.job()).bind("keep", keepPerJob).execute();
            return run;
        });
    }

    List<JobRun> recent(String job, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM job_runs WHERE job = :job ORDER BY id DESC LIMIT :n")
                .bind("job", job).bind("n", limit).map(MAPPER).list());
    }

    Optional<JobRun> get(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM job_runs WHERE id = :id")
                .bind("id", id).map(MAPPER).findOne());
    }

    Optional<Instant> lastSuccess(String job) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT finished_at FROM job_runs WHERE job = :job AND status = 'succeeded'
                        ORDER BY id DESC LIMIT 1""")
                .bind("job", job).mapTo(OffsetDateTime.class).findOne().map(OffsetDateTime::toInstant));
    }

    /** The window end of the last successful run: where a plain job's next window starts. */
    Optional<Instant> lastWindowEnd(String job) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT window_end FROM job_runs WHERE job = :job AND status = 'succeeded'
                          AND window_end IS NOT NULL ORDER BY id DESC LIMIT 1""")
                .bind("job", job).mapTo(OffsetDateTime.class).findOne().map(OffsetDateTime::toInstant));
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime offset(Instant t) {
        return t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }
}
