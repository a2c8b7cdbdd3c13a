package io.tidemark.stream;

/**
 * The stream cannot take another client now (stream.max_clients are connected, or the server is stopping). Answered
 * 503.
 */
public final class StreamUnavailableException extends RuntimeException {
    StreamUnavailableException(String message) {
        super(message);
    }
}
