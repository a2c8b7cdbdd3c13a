package io.tidemark.jobs;

/** A run failed and was recorded as such; the scheduler retries the job with backoff. */
final class JobRunFailedException extends RuntimeException {
    JobRunFailedException(JobRun run) {
        super("run " + run.id() + " of " + run.job() + " failed"
                + (run.errorSqlstate() == null ? "" : " (SQLSTATE " + run.errorSqlstate() + ")") + ": "
                + run.errorMessage());
    }
}
