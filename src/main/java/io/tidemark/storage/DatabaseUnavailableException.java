package io.tidemark.storage;

/** PostgreSQL could not be reached or the connection broke; retrying later may succeed. */
public class DatabaseUnavailableException extends RuntimeException {
    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
