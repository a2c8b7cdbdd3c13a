package io.tidemark.http;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Parses query parameters, answering 400 with the parameter's name when one is malformed. */
final class QueryParams {
    private QueryParams() {}

    /** An RFC 3339 timestamp or integer epoch milliseconds; {@code defaultValue} when absent. */
    static Instant instant(Context ctx, String name, Instant defaultValue) {
        String text = ctx.queryParam(name);
        if (text == null || text.isBlank()) return defaultValue;
        try {
            return text.chars().allMatch(Character::isDigit) && text.length() <= 15
                    ? Instant.ofEpochMilli(Long.parseLong(text)) : OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new BadRequestResponse(name + " must be an RFC 3339 timestamp (2026-11-24T10:00:00Z) or epoch"
                    + " milliseconds, got '" + text + "'");
        }
    }
}
