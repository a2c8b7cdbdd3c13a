package io.tidemark.auth;

import io.tidemark.config.AuthConfig;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** What a credential allows: {@code admin} implies every other scope. Stored and shown in lower case. */
public enum Scope {
    READ, WRITE, METRICS, ADMIN;

    /** The name in config, the API and the {@code tokens} table. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The scope named {@code text} (any case), if there is one. */
    public static Optional<Scope> parse(String text) {
        if (text == null) return Optional.empty();
        for (Scope scope : values()) {
            if (scope.label().equals(text.trim().toLowerCase(Locale.ROOT))) return Optional.of(scope);
        }
        return Optional.empty();
    }

    /** The scopes named in config (already checked there against {@link AuthConfig#SCOPES}). */
    public static Set<Scope> of(List<String> names) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String name : names) scopes.add(parse(name).orElseThrow());
        return scopes;
    }

    /** The names, in the order of this enum. */
    public static List<String> labels(Set<Scope> scopes) {
        return scopes.stream().sorted().map(Scope::label).toList();
    }
}
