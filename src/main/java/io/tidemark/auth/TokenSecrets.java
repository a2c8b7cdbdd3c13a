package io.tidemark.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** Token secrets: {@value #PREFIX} and 32 random bytes in base64url, stored only as their SHA-256. */
final class TokenSecrets {
    static final String PREFIX = "tdm_";
    private static final int RANDOM_BYTES = 32;
    /** Longer than any secret this server makes, and than the bootstrap token may reasonably be. */
    static final int MAX_LENGTH = 512;

    private final SecureRandom random = new SecureRandom();

    String generate(String prefix) {
        byte[] bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
