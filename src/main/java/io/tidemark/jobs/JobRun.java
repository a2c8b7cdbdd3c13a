package io.tidemark.jobs;

import java.time.Instant;

/**
 * One recorded run of a job (a row of {@code job_runs}): its window [windowStart, windowEnd) (null when it had
 * nothing to do), how many buckets it computed of the {@code bucketsTotal} it had to (while it runs: its progress)
 * and rows it wrote, for a failed run the SQLSTATE and message, and for a run asked for through the admin API
 * the name of the token that asked ({@code bootstrap} for the admin token of the environment).
 */
public record JobRun(
        long id,
        String job,
        String trigger,
        String status,
        String instance,
        Instant windowStart,
        Instant windowEnd,
        Integer buckets,
        Integer bucketsTotal,
        Long rowsWritten,
        Instant startedAt,
        Instant finishedAt,
        String errorSqlstate,
        String errorMessage,
        String requestedBy) {

    public boolean succeeded() {
        return "succeeded".equals(status);
    }
}
