package io.tidemark.http;

import java.io.IOException;

/** The body is not in the Content-Encoding it was sent with (400); nothing of it was read as readings. */
final class UndecodableBodyException extends IOException {
    UndecodableBodyException(String message) {
        super(message);
    }
}
