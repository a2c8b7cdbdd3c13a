package io.tidemark.jobs;

/** A backfill range that cannot be recomputed (before the data, past where data can exist); names the field. */
public final class InvalidBackfillException extends RuntimeException {
    InvalidBackfillException(String problem) {
        super(problem);
    }
}
