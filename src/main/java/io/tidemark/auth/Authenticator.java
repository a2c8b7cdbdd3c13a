package io.tidemark.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells who a secret belongs to. Lookups are cached for {@link #CACHE_TIME} at most, so a token revoked on any node
 * sharing the database stops working on every node within that time; a token's {@code last_used_at} is written at
 * most once per {@link #TOUCH_INTERVAL}. Thread-safe.
 */
public final class Authenticator {
    private static final Logger log = LoggerFactory.getLogger(Authenticator.class);
    public static final Duration CACHE_TIME = Duration.ofSeconds(2);
    static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);
    private static final int MAX_CACHED = 10_000;

    /** What a secret turned out to be. */
    public enum Outcome { VALID, UNKNOWN, REVOKED }

    /** The outcome, and for a valid secret its principal. */
    public record Result(Outcome outcome, Principal principal) {}

    private static final Result UNKNOWN = new Result(Outcome.UNKNOWN, null);

    private final TokenStore store;
    private final byte[] bootstrapHash;
    private final Cache<ByteBuffer, Optional<TokenStore.Found>> lookups = Caffeine.newBuilder()
            .expireAfterWrite(CACHE_TIME).maximumSize(MAX_CACHED).build();
    private final Cache<Long, Boolean> touched = Caffeine.newBuilder()
            .expireAfterWrite(TOUCH_INTERVAL).maximumSize(MAX_CACHED).build();

    Authenticator(TokenStore store, String bootstrapToken) {
        this.store = store;
        this.bootstrapHash = TokenSecrets.hash(bootstrapToken);
    }

    public Result authenticate(String secret) {
        if (secret == null || secret.isEmpty() || secret.length() > TokenSecrets.MAX_LENGTH) return UNKNOWN;
        byte[] hash = TokenSecrets.hash(secret);
        // Hashes compared in constant time: the time taken says nothing about how much of a guess was right.
        if (MessageDigest.isEqual(hash, bootstrapHash)) {
            return new Result(Outcome.VALID, new Principal(Principal.BOOTSTRAP, EnumSet.of(Scope.ADMIN), null));
        }
        if (!secret.startsWith(TokenSecrets.PREFIX)) return UNKNOWN; // not one of ours: no database round trip
        Optional<TokenStore.Found> found = lookups.get(ByteBuffer.wrap(hash), k -> store.find(hash));
        if (found.isEmpty()) return UNKNOWN;
        if (found.get().revoked()) return new Result(Outcome.REVOKED, null);
        touch(found.get().id());
        return new Result(Outcome.VALID, found.get().principal());
    }

    /** Records the use, once a minute at most; a failure to do so must not fail the request. */
    private void touch(long id) {
        if (touched.asMap().putIfAbsent(id, Boolean.TRUE) != null) return;
        try {
            store.touch(id);
        } catch (RuntimeException e) {
            touched.invalidate(id);
            log.debug("Could not record the use of token {}: {}", id, e.getMessage());
        }
    }
}
