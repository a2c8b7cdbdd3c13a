package io.tidemark.ingest;

/**
 * A request would create more series than {@code ingest.max_new_series_per_minute} leaves its writer this minute:
 * nothing of it was stored, and no series was created.
 */
public final class TooManyNewSeriesException extends RuntimeException {
    private final int retryAfterSeconds;

    TooManyNewSeriesException(String writer, int requested, int limit, int left, int retryAfterSeconds) {
        super("the request would create " + requested + " new series; ingest.max_new_series_per_minute lets '"
                + writer + "' create " + limit + " a minute on this node, " + left + " left this minute"
                + (requested > limit ? " (split the request, or raise the limit)" : "; retry in " + retryAfterSeconds
                + " s") + "; nothing was stored");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
