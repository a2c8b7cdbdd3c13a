package io.tidemark.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.tidemark.jobs.JobRun;
import io.tidemark.jobs.JobService;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * The admin API over the job engine: list jobs and their runs, run a job now or backfill a range, reload the folder.
 */
final class AdminRoutes {
    static final int DEFAULT_RUNS_LIMIT = 50;
    static final int MAX_RUNS_LIMIT = 1000;

    private final JobService jobs;

    AdminRoutes(JobService jobs) {
        this.jobs = jobs;
    }

    void list(Context ctx) {
        ctx.json(Map.of("jobs", jobs.list()));
    }

    void show(Context ctx) {
        ctx.json(jobs.status(ctx.pathParam("name")));
    }

    void runs(Context ctx) {
        int limit = DEFAULT_RUNS_LIMIT;
        String text = ctx.queryParam("limit");
        if (text != null) {
            try {
                limit = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_RUNS_LIMIT) {
                throw new BadRequestResponse("limit must be a whole number from 1 to " + MAX_RUNS_LIMIT);
            }
        }
        ctx.json(Map.of("runs", jobs.runs(ctx.pathParam("name"), limit)));
    }

    void run(Context ctx) {
        Instant from = null;
        Instant to = null;
        String body = ctx.body();
        if (!body.isBlank()) {
            JsonNode json;
            try {
                json = ctx.jsonMapper().fromJsonString(body, JsonNode.class);
            } catch (RuntimeException e) {
                throw new BadRequestResponse("body must be JSON like {\"from\": \"2026-11-24T00:00:00Z\","
                        + " \"to\": \"2026-11-25T00:00:00Z\"}");
            }
            from = instant(json, "from");
            to = instant(json, "to");
            if ((from == null) != (to == null)) throw new BadRequestResponse("give both from and to, or neither");
            if (from != null && !from.isBefore(to)) throw new BadRequestResponse("from must be before to");
        }
        JobRun run = jobs.runNow(ctx.pathParam("name"), from, to);
        if (run.succeeded()) {
            ctx.json(run);
        } else {
            ctx.status(500).json(Map.of("error", "run " + run.id() + " failed: " + run.errorMessage(), "run", run));
        }
    }

    void reload(Context ctx) {
        ctx.json(Map.of("jobs", jobs.reload()));
    }

    private static Instant instant(JsonNode json, String field) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) return null;
        try {
            return OffsetDateTime.parse(node.asText()).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadRequestResponse(field + " must be an RFC 3339 timestamp such as 2026-11-24T00:00:00Z");
        }
    }
}
