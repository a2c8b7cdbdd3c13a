package io.tidemark.http;

import io.javalin.http.Context;
import io.javalin.http.UnauthorizedResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Checks {@code Authorization: Bearer <token>} in constant time. The token is never logged or echoed. */
final class BearerAuth {
    private final byte[] token;

    BearerAuth(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    void require(Context ctx) {
        String header = ctx.header("Authorization");
        byte[] given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
        // MessageDigest.isEqual takes time independent of where the arrays differ.
        if (!MessageDigest.isEqual(given, token)) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"tidemark-admin\"");
            throw new UnauthorizedResponse("admin API needs 'Authorization: Bearer <token>' with the admin token");
        }
    }
}
