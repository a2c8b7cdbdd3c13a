package io.tidemark.auth;

import java.util.Set;

/**
 * Who made a request: a token (by its name), the bootstrap admin token ({@value #BOOTSTRAP}), or nobody in particular
 * ({@value #ANONYMOUS}, holding the scopes of {@code auth.anonymous}). A non-null {@code sensorPrefix} limits the
 * sensors it may write and read.
 */
public record Principal(String name, Set<Scope> scopes, String sensorPrefix) {
    public static final String BOOTSTRAP = "bootstrap";
    public static final String ANONYMOUS = "anonymous";

    public Principal {
        scopes = Set.copyOf(scopes);
    }

    public static Principal anonymous(Set<Scope> scopes) {
        return new Principal(ANONYMOUS, scopes, null);
    }

    public boolean allows(Scope scope) {
        return scopes.contains(scope) || scopes.contains(Scope.ADMIN);
    }

    /** Whether {@code sensor} is within this principal's sensors. */
    public boolean covers(String sensor) {
        return sensorPrefix == null || sensor.startsWith(sensorPrefix);
    }
}
