package io.tidemark.http;

/** The request's Content-Type or Content-Encoding is not one Tidemark reads. */
final class UnsupportedMediaTypeException extends RuntimeException {
    UnsupportedMediaTypeException(String message) {
        super(message);
    }
}
