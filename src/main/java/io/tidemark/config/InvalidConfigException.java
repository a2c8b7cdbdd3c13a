package io.tidemark.config;

/** The configuration cannot be used; the message names the key and what is wrong with it. */
public final class InvalidConfigException extends RuntimeException {
    public InvalidConfigException(String message) {
        super(message);
    }

    public InvalidConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
