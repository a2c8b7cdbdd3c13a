package io.tidemark.storage;

/**
 * A write refused because PostgreSQL is out of disk space or memory ({@link ResourceShortage}); nothing of it was
 * stored, and the same write succeeds once the resource is back. The message names the cause without internals (no
 * file names); the server logs the condition once when it starts and once when it ends, not per request.
 */
public final class DatabaseOutOfResourcesException extends RuntimeException {
    /**
     * A full disk is rarely cleared within seconds: longer than a lost connection's 5 s, so refused clients add little
     * load, yet short enough that ingest resumes soon after an operator has made room.
     */
    public static final int RETRY_AFTER_SECONDS = 10;

    private final ResourceShortage shortage;

    public DatabaseOutOfResourcesException(ResourceShortage shortage) {
        super(shortage.describe() + ": nothing of the request was stored; retry later", null, false, false);
        this.shortage = shortage;
    }

    public ResourceShortage shortage() {
        return shortage;
    }

    public int retryAfterSeconds() {
        return RETRY_AFTER_SECONDS;
    }
}
