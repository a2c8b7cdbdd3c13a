package io.tidemark.ingest;

import java.time.Duration;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The stored {@code Idempotency-Key}s: looked up before a request is queued (the common retry is answered without
 * touching the writer) and purged once older than {@code ingest.idempotency_ttl}. Keys are written by
 * {@link BatchTransaction}, in the transaction of their readings.
 */
final class IdempotencyKeys {
    static final int MAX_KEY_LENGTH = 255;

    private final Jdbi jdbi;

    IdempotencyKeys(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    static void validate(String key) {
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw new InvalidRequestException("Idempotency-Key must be 1 to " + MAX_KEY_LENGTH + " characters long");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new InvalidRequestException("Idempotency-Key must be printable ASCII; character " + i
                        + " is not");
            }
        }
    }

    Optional<BatchTransaction.StoredKey> find(String key) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT request_hash, accepted FROM idempotency_keys WHERE key = :key")
                .bind("key", key)
                .map((rs, ctx) -> new BatchTransaction.StoredKey(rs.getString(1), rs.getInt(2)))
                .findOne());
    }

    int purgeOlderThan(Duration ttl) {
        return jdbi.withHandle(h -> h.createUpdate(
                        "DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => :secs)")
                .bind("secs", (double) ttl.toSeconds())
                .execute());
    }
}
