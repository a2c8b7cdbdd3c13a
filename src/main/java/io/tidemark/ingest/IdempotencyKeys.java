package io.tidemark.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The whole life of an {@code Idempotency-Key}, or of the key a body is of itself ({@link #implicitKey}): validated
 * when a request arrives, the body hashed as it is read, looked up before the request is queued (the common retry is
 * answered without touching the writer), claimed in the transaction that writes the request's readings (so a key
 * is stored if and only if its readings are), replayed to a retry with the same body, refused to a different body,
 * and purged once older than {@code ingest.idempotency_ttl} ({@code ingest.implicit_key_ttl} for a body's own key).
 * Every answered request records its key, one without readings too (claimed on its own: there is nothing to write
 * with it). A refused one (400, 413, 503...) records nothing and leaves its key free, as Stripe does: it never ran.
 */
final class IdempotencyKeys {
    static final int MAX_KEY_LENGTH = 255;
    /** How a body's own key starts (see {@link #implicitKey}). */
    static final String IMPLICIT_PREFIX = "body:";

    /** What an earlier request with the same key stored: the hash of its body and its answer. */
    record StoredKey(String requestHash, int accepted) {}

    private static final String FIND = "SELECT request_hash, accepted FROM idempotency_keys WHERE key = :key";
    private static final String PURGE = """
            DELETE FROM idempotency_keys
            WHERE created_at < now() - make_interval(secs => :secs)
               OR (created_at < now() - make_interval(secs => :implicit_secs) AND starts_with(key, :implicit))""";
    private static final String CLAIM = """
            INSERT INTO idempotency_keys (key, request_hash, accepted)
            SELECT * FROM unnest(?::text[], ?::text[], ?::int[])
            ON CONFLICT (key) DO NOTHING
            RETURNING key""";
    private static final String CLAIM_ONE = """
            INSERT INTO idempotency_keys (key, request_hash, accepted) VALUES (:key, :request_hash, 0)
            ON CONFLICT (key) DO NOTHING
            RETURNING key""";
    private static final String STORED =
            "SELECT key, request_hash, accepted FROM idempotency_keys WHERE key = ANY(?::text[])";

    private final Jdbi jdbi;

    IdempotencyKeys(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Checks {@code key} (if any: a body may be hashed to become its own key) and returns {@code body} read through a
     * digest of every byte; finish with {@link #hash}.
     *
     * @throws InvalidRequestException if the key is empty, too long or not printable ASCII
     */
    static DigestInputStream hashing(String key, InputStream body) {
        if (key != null) validate(key);
        return new DigestInputStream(body, sha256());
    }

    /**
     * The key of a body that is its own key: one whose every reading has its timestamp in the body, so that sending
     * it again means the same points (Telegraf and the InfluxDB clients resend a batch after a timeout, without an
     * Idempotency-Key). {@code scope} holds what else decides the points (route, precision, database), and the
     * token's sensor prefix is part of the key, so a replay never answers across prefixes.
     */
    static String implicitKey(String scope, String sensorPrefix, String bodyHash) {
        MessageDigest digest = sha256();
        String identity = scope + "\n" + (sensorPrefix == null ? "" : "prefix:" + sensorPrefix) + "\n" + bodyHash;
        return IMPLICIT_PREFIX + HexFormat.of().formatHex(digest.digest(identity.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Reads what is left of the body, so that the hash covers all of it, and returns the hash in hex. */
    static String hash(DigestInputStream body) throws IOException {
        body.transferTo(OutputStream.nullOutputStream());
        return HexFormat.of().formatHex(body.getMessageDigest().digest());
    }

    /**
     * The answer for a request whose key is already stored: its first answer again, marked as replayed.
     *
     * @throws IdempotencyKeyReusedException if the stored key was claimed by a different body
     */
    static IngestResult replay(String key, String requestHash, StoredKey stored) {
        if (!stored.requestHash().equals(requestHash)) throw new IdempotencyKeyReusedException(key);
        return new IngestResult(stored.accepted(), true);
    }

    /**
     * Claims {@code key} for a request that has no readings to write, answered {@code {"accepted": 0}}; returns what
     * an earlier request stored under the key if one did (it claimed the key after {@link #find} looked).
     */
    Optional<StoredKey> claimWithoutReadings(String key, String requestHash) {
        return jdbi.withHandle(h -> {
            boolean claimed = h.createQuery(CLAIM_ONE).bind("key", key).bind("request_hash", requestHash)
                    .mapTo(String.class).findOne().isPresent();
            return claimed ? Optional.<StoredKey>empty() : find(h, key);
        });
    }

    private static Optional<StoredKey> find(Handle h, String key) {
        return h.createQuery(FIND).bind("key", key).map((rs, ctx) -> new StoredKey(rs.getString(1), rs.getInt(2)))
                .findOne();
    }

    /**
     * Claims the keys of a batch inside its writing transaction; returns the requests whose key was taken already,
     * by an earlier request or by another request of this batch, with what that request stored. Those must write
     * nothing. (A claim that races another transaction's claim of the same key waits for it, as unique indexes do.)
     */
    Map<WriteRequest, StoredKey> claim(Connection c, List<WriteRequest> batch) throws SQLException {
        Map<String, WriteRequest> firstByKey = new HashMap<>();
        List<WriteRequest> duplicates = new ArrayList<>();
        for (WriteRequest r : batch) {
            if (r.idempotencyKey == null) continue;
            if (firstByKey.putIfAbsent(r.idempotencyKey, r) != null) duplicates.add(r);
        }
        Map<WriteRequest, StoredKey> taken = new IdentityHashMap<>();
        if (firstByKey.isEmpty()) return taken;
        List<WriteRequest> claimers = new ArrayList<>(firstByKey.values());
        Map<String, WriteRequest> unclaimed = new HashMap<>(firstByKey);
        try (PreparedStatement s = c.prepareStatement(CLAIM)) {
            s.setArray(1, c.createArrayOf("text", claimers.stream().map(r -> r.idempotencyKey).toArray()));
            s.setArray(2, c.createArrayOf("text", claimers.stream().map(r -> r.requestHash).toArray()));
            s.setArray(3, c.createArrayOf("int4", claimers.stream().map(r -> r.count).toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) unclaimed.remove(rs.getString(1));
            }
        }
        duplicates.addAll(unclaimed.values());
        if (duplicates.isEmpty()) return taken;
        Map<String, StoredKey> stored = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(STORED)) {
            s.setArray(1, c.createArrayOf("text", duplicates.stream().map(r -> r.idempotencyKey).distinct().toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) stored.put(rs.getString(1), new StoredKey(rs.getString(2), rs.getInt(3)));
            }
        }
        for (WriteRequest r : duplicates) taken.put(r, stored.get(r.idempotencyKey));
        return taken;
    }

    /** Deletes keys older than {@code ttl}; returns how many. */
    /** Deletes keys older than {@code ttl}, and bodies' own keys older than {@code implicitTtl}; returns how many. */
    int purgeOlderThan(Duration ttl, Duration implicitTtl) {
        return jdbi.withHandle(h -> h.createUpdate(PURGE).bind("secs", (double) ttl.toSeconds())
                .bind("implicit_secs", (double) implicitTtl.toSeconds()).bind("implicit", IMPLICIT_PREFIX).execute());
    }

    private static void validate(String key) {
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw new InvalidRequestException("Idempotency-Key must be 1 to " + MAX_KEY_LENGTH + " characters long");
        }
        if (key.startsWith(IMPLICIT_PREFIX)) { // else a client could take, or be taken for, a body's own key
            throw new InvalidRequestException("Idempotency-Key must not start with '" + IMPLICIT_PREFIX
                    + "': that prefix is Tidemark's, for bodies that are their own key");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new InvalidRequestException("Idempotency-Key must be printable ASCII; character " + i
                        + " is not");
            }
        }
    }
}
