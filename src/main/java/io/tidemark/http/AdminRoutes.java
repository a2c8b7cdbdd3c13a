package io.tidemark.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.tidemark.jobs.InvalidBackfillException;
import io.tidemark.jobs.JobRun;
import io.tidemark.jobs.JobService;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The admin API over the job engine: list jobs and their runs, run a job now or backfill a range, reload the folder.
 */
final class AdminRoutes {
    static final int DEFAULT_RUNS_LIMIT = 50;
    static final int MAX_RUNS_LIMIT = 1000;
    private static final String RANGE_EXAMPLE =
            "{\"from\": \"2026-11-24T00:00:00Z\", \"to\": \"2026-11-25T00:00:00Z\"}";
    private static final Set<String> RANGE_KEYS = Set.of("from", "to");
    private static final String PLAIN_RUN_HINT = "; a plain run takes an empty body";

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

    /**
     * An empty body runs the job now and answers when it ends (200, or 500 with the failed run); a body {@code
     * {"from", "to"}} starts a backfill and answers at once: 202 with the run, and its URL in Location.
     */
    void run(Context ctx) {
        String name = ctx.pathParam("name");
        String body = ctx.body();
        if (!body.isBlank()) {
            JsonNode range = backfillRange(ctx, body);
            Instant from = instant(range, "from");
            Instant to = instant(range, "to");
            if (!from.isBefore(to)) throw new BadRequestResponse("from must be before to: the range is [from, to)");
            JobRun started;
            try {
                started = jobs.backfill(name, from, to, AccessControl.principal(ctx).name());
            } catch (InvalidBackfillException e) {
                throw new BadRequestResponse(e.getMessage());
            }
            ctx.status(202).header("Location", "/admin/jobs/" + name + "/runs/" + started.id()).json(started);
            return;
        }
        JobRun run = jobs.runNow(name, AccessControl.principal(ctx).name());
        if (run.succeeded()) {
            ctx.json(run);
        } else {
            ctx.status(500).json(Map.of("error", "run " + run.id() + " failed: " + run.errorMessage(), "run", run));
        }
    }

    void showRun(Context ctx) {
        String name = ctx.pathParam("name");
        long id = JsonBodies.id(ctx, "id", "run");
        ctx.json(jobs.run(name, id).orElseThrow(() -> new NotFoundResponse("job " + name + " has no run " + id
                + " (runs beyond jobs.history_per_job are deleted)")));
    }

    void reload(Context ctx) {
        ctx.json(Map.of("jobs", jobs.reload()));
    }

    /**
     * A non-empty run body must be a backfill range, {@code {"from": ..., "to": ...}} and nothing else: anything
     * else (null, an array, a misspelt key) is refused rather than taken for a plain run the caller did not ask for.
     */
    private static JsonNode backfillRange(Context ctx, String body) {
        JsonNode json = JsonBodies.object(ctx, body, RANGE_KEYS, RANGE_EXAMPLE, PLAIN_RUN_HINT);
        for (String field : List.of("from", "to")) {
            if (json.get(field) == null || json.get(field).isNull()) {
                throw new BadRequestResponse(field + " is missing: a backfill needs both from and to, like "
                        + RANGE_EXAMPLE + PLAIN_RUN_HINT);
            }
        }
        return json;
    }

    private static Instant instant(JsonNode json, String field) {
        JsonNode node = json.get(field);
        try {
            if (!node.isTextual()) throw new DateTimeParseException("not a string", node.toString(), 0);
            return OffsetDateTime.parse(node.asText()).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadRequestResponse(field + " must be an RFC 3339 timestamp such as 2026-11-24T00:00:00Z, got "
                    + JsonBodies.abbreviate(node.toString()));
        }
    }

}
