package io.tidemark.http;

import java.util.List;

/**
 * A request not let in: 401 (no valid credential; {@code challenges} go to {@code WWW-Authenticate}), 403 (a valid
 * one lacking the scope or the sensor) or 429 (its address failed too often; {@code retryAfterSeconds}). The message
 * names what is needed, never the credential.
 */
final class AccessDeniedException extends RuntimeException {
    static final List<String> CHALLENGES = List.of("Bearer realm=\"tidemark\"", "Basic realm=\"tidemark\"");

    private final int status;
    private final int retryAfterSeconds;

    private AccessDeniedException(int status, String message, int retryAfterSeconds) {
        super(message);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    static AccessDeniedException unauthorized(String message) {
        return new AccessDeniedException(401, message, 0);
    }

    static AccessDeniedException forbidden(String message) {
        return new AccessDeniedException(403, message, 0);
    }

    static AccessDeniedException throttled(String message, int retryAfterSeconds) {
        return new AccessDeniedException(429, message, retryAfterSeconds);
    }

    int status() {
        return status;
    }

    int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
