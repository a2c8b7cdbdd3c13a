package io.tidemark.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The small JSON bodies and path ids of the admin API (a backfill range, a token request): one JSON object with only
 * known keys, refused with a 400 that says what was wrong and shows an example. Ingest bodies go through
 * {@link RequestBodies}, not here.
 */
final class JsonBodies {
    /** How much of a bad value an error message repeats. */
    private static final int ECHO_LIMIT = 60;

    private JsonBodies() {}

    /**
     * The body as a JSON object holding no key but {@code keys}.
     *
     * @param example a valid body, shown in every refusal
     * @param hint what else the endpoint takes (e.g. an empty body), appended to the refusal; may be empty
     * @throws BadRequestResponse when the body is not JSON, not an object, or has an unknown key (all are named)
     */
    static JsonNode object(Context ctx, String body, Set<String> keys, String example, String hint) {
        JsonNode json;
        try {
            json = ctx.jsonMapper().fromJsonString(body, JsonNode.class);
        } catch (Exception e) { // Jackson's parse errors are checked exceptions, thrown through Kotlin unchecked
            throw new BadRequestResponse("body is not JSON; send " + example + hint);
        }
        if (json == null || !json.isObject()) {
            throw new BadRequestResponse("body must be a JSON object like " + example + ", got "
                    + (json == null ? "null" : json.getNodeType().name().toLowerCase(Locale.ROOT)) + hint);
        }
        List<String> unknown = new ArrayList<>();
        json.fieldNames().forEachRemaining(key -> {
            if (!keys.contains(key)) unknown.add("'" + abbreviate(key) + "'");
        });
        if (!unknown.isEmpty()) {
            throw new BadRequestResponse("unknown key " + String.join(", ", unknown) + " in the body: it takes only "
                    + String.join(", ", keys.stream().sorted().toList()) + ", like " + example);
        }
        return json;
    }

    /** The path parameter {@code param} as an id; {@code what} names the thing it identifies, for the refusal. */
    static long id(Context ctx, String param, String what) {
        String text = ctx.pathParam(param);
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new BadRequestResponse(param + ": a " + what + " id is a whole number, got '" + abbreviate(text)
                    + "'");
        }
    }

    /** {@code text}, cut to a length an error message may repeat. */
    static String abbreviate(String text) {
        return text.length() <= ECHO_LIMIT ? text : text.substring(0, ECHO_LIMIT) + "...";
    }
}
