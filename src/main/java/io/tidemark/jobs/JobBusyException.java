package io.tidemark.jobs;

/** The job is running right now (here or on another server instance); a job never overlaps itself. */
public final class JobBusyException extends RuntimeException {
    JobBusyException(String job) {
        super("job " + job + " is already running (on this or another server instance); try again when it ends");
    }
}
