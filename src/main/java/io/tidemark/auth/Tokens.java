package io.tidemark.auth;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * Creating, listing and revoking API tokens. Only a secret's hash is stored: the secret is handed out once, by
 * {@link #create}.
 */
public final class Tokens {
    /** A token just created and its secret, which nothing can tell again. */
    public record Created(Token token, String secret) {}

    private final TokenStore store;
    private final TokenSecrets secrets = new TokenSecrets();

    public Tokens(Jdbi jdbi) {
        this.store = new TokenStore(jdbi);
    }

    /** An authenticator over these tokens and the bootstrap admin token. */
    public Authenticator authenticator(String bootstrapToken) {
        return new Authenticator(store, bootstrapToken);
    }

    /** Creates a token; empty if {@code name} is taken (revoked tokens keep their names). */
    public Optional<Created> create(String name, Set<Scope> scopes, String sensorPrefix, String createdBy) {
        String secret = secrets.generate(TokenSecrets.PREFIX);
        return store.create(name, TokenSecrets.hash(secret), scopes, sensorPrefix, createdBy)
                .map(token -> new Created(token, secret));
    }

    public List<Token> list() {
        return store.list();
    }

    /**
     * Revokes a token (again, harmlessly, if revoked already): every node refuses it within
     * {@link Authenticator#CACHE_TIME}. Empty if there is no such token.
     */
    public Optional<Token> revoke(long id, String revokedBy) {
        return store.revoke(id, revokedBy) ? store.get(id) : Optional.empty();
    }
}
