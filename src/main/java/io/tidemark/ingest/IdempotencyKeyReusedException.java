package io.tidemark.ingest;

/** An {@code Idempotency-Key} was sent again with a different body: a client bug, never a retry. */
public final class IdempotencyKeyReusedException extends RuntimeException {
    public IdempotencyKeyReusedException(String key) {
        super("Idempotency-Key '" + key + "' was already used for a request with a different body;"
                + " use a new key for new readings");
    }
}
