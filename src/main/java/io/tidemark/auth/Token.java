package io.tidemark.auth;

import java.time.Instant;
import java.util.List;

/** A token as the admin API lists it: never its secret, nor the secret's hash. */
public record Token(long id, String name, List<String> scopes, String sensorPrefix, Instant createdAt,
        String createdBy, Instant lastUsedAt, Instant revokedAt, String revokedBy) {}
