package io.tidemark.ingest;

/**
 * A request carries more than the server will take in one piece (body bytes, or readings beyond the queue's capacity).
 */
public final class RequestTooLargeException extends RuntimeException {
    public RequestTooLargeException(String message) {
        super(message);
    }
}
