package io.tidemark.ingest;

/** The request itself (not one of its readings) is malformed: a bad header, an unsupported encoding. */
public final class InvalidRequestException extends RuntimeException {
    public InvalidRequestException(String message) {
        super(message);
    }
}
