package io.tidemark.http;

import java.io.IOException;

/** The client did not send its whole request body within {@code http.body_timeout}; nothing of it was stored. */
final class RequestTimeoutException extends IOException {
    RequestTimeoutException(String message) {
        super(message);
    }
}
