package io.tidemark.config;

/**
 * The {@code latest} table and {@code GET /api/v1/latest}: whether each write transaction also keeps the newest
 * reading of every series it wrote (one upsert per batch). Off, nothing is written to {@code latest} and the endpoint
 * answers 404; a node turned on again keeps each series' row from its next reading on. Every node on one database
 * should agree: a node with it off leaves its readings out of {@code latest}.
 */
public record LatestConfig(Boolean enabled) {
    public LatestConfig {
        enabled = enabled == null || enabled;
    }
}
