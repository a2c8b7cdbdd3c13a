package io.tidemark.jobs;

/** No job of that name is loaded. */
public final class UnknownJobException extends RuntimeException {
    UnknownJobException(String job) {
        super("no job named '" + job + "' is loaded; GET /admin/jobs lists them");
    }
}
