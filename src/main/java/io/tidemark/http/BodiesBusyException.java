package io.tidemark.http;

import java.io.IOException;

/** Request bodies being read fill {@code http.max_buffered_bytes}; the client should retry shortly (503). */
final class BodiesBusyException extends IOException {
    static final int RETRY_AFTER_SECONDS = 1;

    BodiesBusyException(String message) {
        super(message);
    }
}
