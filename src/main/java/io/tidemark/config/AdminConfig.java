package io.tidemark.config;

/**
 * The admin API. The bearer token is a secret: prefer TIDEMARK_ADMIN_TOKEN to the file. When neither is set the
 * server generates a random token at start-up and prints it once.
 */
public record AdminConfig(String token) {
    public static final int MIN_TOKEN_LENGTH = 16;

    public AdminConfig {
        if (token != null && token.isBlank()) token = null;
        if (token != null && token.length() < MIN_TOKEN_LENGTH) {
            throw new InvalidConfigException("admin.token must be at least " + MIN_TOKEN_LENGTH + " characters long");
        }
    }

    @Override
    public String toString() {
        return "AdminConfig[token=" + (token == null ? "(generated)" : "(set)") + "]";
    }
}
