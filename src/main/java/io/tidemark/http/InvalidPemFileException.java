package io.tidemark.http;

/** A PEM file cannot serve HTTPS; the message names the file and what is wrong, never the key's content. */
final class InvalidPemFileException extends RuntimeException {
    InvalidPemFileException(String message) {
        super(message);
    }

    InvalidPemFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
