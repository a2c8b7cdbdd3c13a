package io.tidemark.config;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Who may do what without a credential: the scopes {@code anonymous} grants to requests that carry none (by default
 * read and write, so the quick start works on localhost), and whether that may hold on an interface other machines
 * can reach ({@code allow_anonymous_remote}, off by default: start-up refuses instead).
 */
public record AuthConfig(List<String> anonymous, Boolean allowAnonymousRemote) {
    /** Every scope a token or the anonymous grant may hold; {@code admin} implies the others. */
    public static final List<String> SCOPES = List.of("read", "write", "metrics", "admin");
    public static final List<String> DEFAULT_ANONYMOUS = List.of("read", "write");

    public AuthConfig {
        if (anonymous == null) anonymous = DEFAULT_ANONYMOUS;
        Set<String> scopes = new LinkedHashSet<>();
        for (String scope : anonymous) {
            String name = scope == null ? "" : scope.trim().toLowerCase(Locale.ROOT);
            if (!SCOPES.contains(name)) {
                throw new InvalidConfigException("auth.anonymous: unknown scope '" + scope + "'; known scopes: "
                        + String.join(", ", SCOPES));
            }
            scopes.add(name);
        }
        anonymous = List.copyOf(scopes);
        if (allowAnonymousRemote == null) allowAnonymousRemote = false;
    }

    public static AuthConfig defaults() {
        return new AuthConfig(null, null);
    }
}
