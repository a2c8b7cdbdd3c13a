package io.tidemark.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The one credential extractor: {@code Authorization: Bearer <token>}, InfluxDB's {@code Authorization: Token
 * <token>}, Basic auth (the password is the token, the user name is ignored), and on InfluxDB 1.x routes only the
 * {@code p} query parameter. What it returns is a secret: never log or echo it.
 */
final class Credentials {
    private Credentials() {}

    /**
     * The secret the request carries, null if it carries none, or "" for an Authorization header this server cannot
     * read (an unknown scheme, broken Basic): a credential all the same, and a wrong one, never taken for none.
     *
     * @param queryParameters whether the route takes InfluxDB 1.x's {@code u}/{@code p} query parameters
     */
    static String of(Exchange exchange, boolean queryParameters) {
        String header = exchange.header("Authorization");
        if (header != null) {
            String text = header.trim();
            int space = text.indexOf(' ');
            String scheme = space < 0 ? text : text.substring(0, space);
            String value = space < 0 ? "" : text.substring(space + 1).trim();
            if (scheme.equalsIgnoreCase("Bearer") || scheme.equalsIgnoreCase("Token")) return value;
            if (scheme.equalsIgnoreCase("Basic")) return basicPassword(value);
            return "";
        }
        if (queryParameters) return exchange.queryParam("p");
        return null;
    }

    private static String basicPassword(String encoded) {
        try {
            String pair = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            return colon < 0 ? "" : pair.substring(colon + 1);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
