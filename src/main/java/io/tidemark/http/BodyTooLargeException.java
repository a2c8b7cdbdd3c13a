package io.tidemark.http;

import java.io.IOException;

/**
 * The body, raw or decompressed, exceeds {@code ingest.max_body_bytes}. An IOException so it can leave a stream read.
 */
final class BodyTooLargeException extends IOException {
    BodyTooLargeException(String message) {
        super(message);
    }
}
