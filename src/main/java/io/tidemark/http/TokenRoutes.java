package io.tidemark.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.ConflictResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.tidemark.auth.Principal;
import io.tidemark.auth.Scope;
import io.tidemark.auth.Token;
import io.tidemark.auth.Tokens;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /admin/tokens} (the secret is in this answer and nowhere else, ever), {@code GET /admin/tokens} (no
 * secrets, no hashes) and {@code DELETE /admin/tokens/{id}} (revoke; every node refuses the token within 2 s).
 */
final class TokenRoutes {
    private static final int MAX_NAME_LENGTH = 100;
    private static final int MAX_PREFIX_LENGTH = 200;
    private static final Set<String> FIELDS = Set.of("name", "scopes", "sensor_prefix");
    private static final String EXAMPLE = "{\"name\": \"plant-1-collector\", \"scopes\": [\"write\"],"
            + " \"sensor_prefix\": \"plant-1.\"}";

    /** The answer to a creation: the token, and its secret, shown this once. */
    record CreatedToken(long id, String name, List<String> scopes, String sensorPrefix, Instant createdAt,
            String createdBy, String secret) {}

    private final Tokens tokens;

    TokenRoutes(Tokens tokens) {
        this.tokens = tokens;
    }

    void create(Context ctx) {
        JsonNode body = JsonBodies.object(ctx, ctx.body(), FIELDS, EXAMPLE, "");
        String name = name(body.get("name"));
        Set<Scope> scopes = scopes(body.get("scopes"));
        String prefix = prefix(body.get("sensor_prefix"));
        if (prefix != null && scopes.contains(Scope.ADMIN)) {
            throw new BadRequestResponse("sensor_prefix: an admin token sees every sensor; give the prefix to a"
                    + " token with read or write only");
        }
        Tokens.Created created = tokens.create(name, scopes, prefix, AccessControl.principal(ctx).name())
                .orElseThrow(() -> new ConflictResponse("name: a token named '" + name + "' exists already"
                        + " (revoked tokens keep their names)"));
        Token t = created.token();
        ctx.status(201).header("Location", "/admin/tokens/" + t.id()).json(new CreatedToken(t.id(), t.name(),
                t.scopes(), t.sensorPrefix(), t.createdAt(), t.createdBy(), created.secret()));
    }

    void list(Context ctx) {
        ctx.json(Map.of("tokens", tokens.list()));
    }

    void revoke(Context ctx) {
        long id = JsonBodies.id(ctx, "id", "token");
        ctx.json(tokens.revoke(id, AccessControl.principal(ctx).name())
                .orElseThrow(() -> new NotFoundResponse("no token has id " + id)));
    }

    private static String name(JsonNode node) {
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            throw new BadRequestResponse("name: a token needs a name (a non-empty string), like " + EXAMPLE);
        }
        String name = node.asText();
        if (name.length() > MAX_NAME_LENGTH || !printable(name)) {
            throw new BadRequestResponse("name: at most " + MAX_NAME_LENGTH + " characters, no control characters");
        }
        if (name.equals(Principal.BOOTSTRAP) || name.equals(Principal.ANONYMOUS)) {
            throw new BadRequestResponse("name: '" + name + "' is reserved (job runs and token changes record it)");
        }
        return name;
    }

    private static Set<Scope> scopes(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw new BadRequestResponse("scopes: a non-empty array of read, write, metrics, admin, like " + EXAMPLE);
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            int index = i;
            scopes.add(Scope.parse(item.isTextual() ? item.asText() : null).orElseThrow(() -> new BadRequestResponse(
                    "scopes[" + index + "]: unknown scope " + JsonBodies.abbreviate(item.toString())
                            + "; known scopes: read, write, metrics, admin")));
        }
        return scopes;
    }

    private static String prefix(JsonNode node) {
        if (node == null || node.isNull()) return null;
        if (!node.isTextual() || node.asText().isEmpty()) {
            throw new BadRequestResponse("sensor_prefix: a non-empty string (or absent, for every sensor)");
        }
        String prefix = node.asText();
        if (prefix.length() > MAX_PREFIX_LENGTH || !printable(prefix) || prefix.contains("*")
                || prefix.contains("?")) {
            throw new BadRequestResponse("sensor_prefix: at most " + MAX_PREFIX_LENGTH + " characters, no control"
                    + " characters and no wildcards (* or ?): the sensors starting with it");
        }
        return prefix;
    }

    private static boolean printable(String text) {
        return text.codePoints().noneMatch(Character::isISOControl);
    }
}
