package io.tidemark.ingest;

/** Ingest cannot take the request now (queue full, shutting down); nothing was stored and the client should retry. */
public final class IngestUnavailableException extends RuntimeException {
    private final int retryAfterSeconds;

    public IngestUnavailableException(String message, int retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
