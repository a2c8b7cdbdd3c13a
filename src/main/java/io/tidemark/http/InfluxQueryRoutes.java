package io.tidemark.http;

import io.javalin.http.Context;
import io.tidemark.ingest.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * InfluxDB's {@code /ping} and the one part of its {@code /query} that writing clients need: {@code CREATE DATABASE},
 * which Telegraf, Micrometer and the influx CLI send before they write. A database is only a tag in Tidemark
 * ({@code db}), so there is nothing to create; any other statement is refused with a pointer to how Tidemark is
 * read (SQL and the HTTP API), since InfluxQL is not spoken here.
 */
final class InfluxQueryRoutes {
    /**
     * {@code CREATE DATABASE name [IF NOT EXISTS] [WITH ...]}, in any case; the name bare or double-quoted (with
     * backslash escapes). InfluxQL puts IF NOT EXISTS after the name in 1.x and before it in some clients' habits.
     */
    private static final Pattern CREATE_DATABASE = Pattern.compile(
            "\\s*CREATE\\s+DATABASE\\s+(IF\\s+NOT\\s+EXISTS\\s+)?(\"(?:[^\"\\\\]|\\\\.)+\"|[\\p{L}_][\\p{L}\\p{N}_]*)"
                    + "(\\s+IF\\s+NOT\\s+EXISTS)?(\\s+WITH\\s+.*)?\\s*",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    /** {@code GET|HEAD /ping}: 204, or 200 with the version when {@code verbose} is true. Open to all, as /health. */
    void ping(Context ctx) {
        InfluxProtocol.versionHeaders(new JavalinExchange(ctx));
        if ("true".equalsIgnoreCase(ctx.queryParam("verbose"))) {
            ctx.contentType("application/json").result(("{\"version\":\"" + InfluxProtocol.VERSION + "\"}")
                    .getBytes(StandardCharsets.US_ASCII));
        } else {
            ctx.status(204);
        }
    }

    /** {@code GET|POST /query}: {@code q} from the query string or a form body; one result per statement. */
    void query(Context ctx) {
        Exchange exchange = new JavalinExchange(ctx);
        InfluxProtocol.versionHeaders(exchange);
        String q = ctx.queryParam("q");
        if (q == null && RequestBodies.mediaType(exchange).equals("application/x-www-form-urlencoded")) {
            q = ctx.formParam("q");
        }
        if (q == null || q.isBlank()) throw new InvalidRequestException("missing required parameter \"q\"");
        StringBuilder results = new StringBuilder("{\"results\":[");
        List<String> statements = statements(q);
        for (int i = 0; i < statements.size(); i++) {
            String statement = statements.get(i);
            if (!CREATE_DATABASE.matcher(statement).matches()) {
                throw new InvalidRequestException("statement " + (i + 1) + " is not supported: Tidemark answers"
                        + " only CREATE DATABASE here (a database is the tag db, created as it is written); it is"
                        + " queried with SQL in PostgreSQL (readings_v, rollup_1m_v) and the HTTP API"
                        + " (/api/v1/readings, /api/v1/series), see README 'Telegraf and InfluxDB clients'");
            }
            results.append(i == 0 ? "" : ",").append("{\"statement_id\":").append(i).append('}');
        }
        ctx.contentType("application/json").result(results.append("]}").toString()
                .getBytes(StandardCharsets.US_ASCII));
    }

    /** The statements of {@code q}, split at semicolons outside quotes; empty ones left out. */
    static List<String> statements(String q) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < q.length(); i++) {
            char c = q.charAt(i);
            if (quote != 0 && c == '\\' && i + 1 < q.length()) {
                current.append(c).append(q.charAt(++i));
                continue;
            }
            if (quote == 0 && c == ';') {
                if (!current.toString().isBlank()) statements.add(current.toString());
                current.setLength(0);
                continue;
            }
            if (c == '"' || c == '\'') quote = quote == 0 ? c : quote == c ? 0 : quote;
            current.append(c);
        }
        if (!current.toString().isBlank()) statements.add(current.toString());
        return statements;
    }
}
