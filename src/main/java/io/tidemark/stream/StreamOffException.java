package io.tidemark.stream;

/**
 * This server has no stream by its configuration ({@code feed.enabled: false} or {@code stream.max_clients: 0}):
 * answered 404, with no Retry-After, since retrying cannot help.
 */
public final class StreamOffException extends RuntimeException {
    StreamOffException(String message) {
        super(message);
    }
}
