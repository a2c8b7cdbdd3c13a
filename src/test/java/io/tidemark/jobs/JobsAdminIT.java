package io.tidemark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.config.JobsConfig;
import io.tidemark.testing.TestServer;
import io.tidemark.testing.TidemarkServerExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The admin API over real jobs: auth, listing and freshness, runs now and backfills, reloads, failures. */
class JobsAdminIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Filled by JUnit before the server starts: built-in extensions such as @TempDir come before registered ones. */
    @TempDir
    static Path jobsFolder;
    @RegisterExtension
    static final TidemarkServerExtension server = TidemarkServerExtension.startedBy(JobsAdminIT::startOnJobsFolder);

    /** The shipped jobs and a slow one, in a folder tests may change, loaded unscheduled. */
    private static TestServer startOnJobsFolder() {
        try {
            copyShippedJobs(jobsFolder);
            Files.writeString(jobsFolder.resolve("slow.sql"), "-- every: 1h\n-- timeout: 1s\nSELECT pg_sleep(3);\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return TestServer.start(TestServer.unscheduledJobs(jobsFolder.toString()));
    }

    @Test
    void adminApiRequiresTheBearerToken() {
        HttpResponse<String> none = server.get("/admin/jobs");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("Bearer"));
        assertThat(none.body()).contains("\"error\"");
        HttpResponse<String> wrong = server.send(HttpRequest.newBuilder(server.uri("/admin/jobs"))
                .header("Authorization", "Bearer " + TestServer.ADMIN_TOKEN + "x").build());
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).doesNotContain(TestServer.ADMIN_TOKEN);
        assertThat(server.admin("GET", "/admin/jobs", null).statusCode()).isEqualTo(200);
    }

    @Test
    void listsJobsWithScheduleAndFreshness() throws IOException {
        JsonNode jobs = json(server.admin("GET", "/admin/jobs", null)).get("jobs");
        JsonNode minute = find(jobs, "rollup_1m");
        assertThat(minute.get("kind").asText()).isEqualTo("incremental");
        assertThat(minute.get("schedule").asText()).isEqualTo("every 1m");
        assertThat(minute.get("source").asText()).isEqualTo("readings");
        assertThat(minute.get("watermark").asText()).isNotEmpty();
        assertThat(minute.get("dirty_buckets").isNumber()).isTrue();
        assertThat(find(jobs, "silent_sensors").get("kind").asText()).isEqualTo("plain");
    }

    @Test
    void lateReadingMarksItsBucketDirtyAndTheNextRunRerollsIt() throws IOException {
        String minuteAgo = Instant.now().minusSeconds(1800).toString();
        server.api().postJson("[{\"sensor\":\"late-1\",\"ts\":\"" + minuteAgo + "\",\"value\":10}]");
        assertThat(run("rollup_1m").statusCode()).isEqualTo(200);
        assertThat(json(server.admin("GET", "/admin/jobs/rollup_1m", null)).get("dirty_buckets").asLong()).isZero();

        server.api().postJson("[{\"sensor\":\"late-1\",\"ts\":\"" + minuteAgo + "\",\"value\":30}]");
        JsonNode pending = json(server.admin("GET", "/admin/jobs/rollup_1m", null));
        assertThat(pending.get("dirty_buckets").asLong()).isEqualTo(1);
        assertThat(pending.get("oldest_dirty_bucket").asText()).isNotEmpty();

        JsonNode rerun = json(run("rollup_1m"));
        assertThat(rerun.get("buckets").asInt()).isEqualTo(1);
        assertThat(server.queryLong("SELECT count FROM rollup_1m_v WHERE sensor = 'late-1'")).isEqualTo(2);
        assertThat(server.queryLong("SELECT avg::bigint FROM rollup_1m_v WHERE sensor = 'late-1'")).isEqualTo(20);
    }

    @Test
    void runsAreRecordedAndListed() throws IOException {
        long id = json(run("rollup_1m")).get("id").asLong();
        JsonNode runs = json(server.admin("GET", "/admin/jobs/rollup_1m/runs?limit=5", null)).get("runs");
        assertThat(runs.get(0).get("id").asLong()).isEqualTo(id);
        assertThat(runs.get(0).get("status").asText()).isEqualTo("succeeded");
        assertThat(runs.get(0).get("trigger").asText()).isEqualTo("admin");
        assertThat(runs.get(0).get("requested_by").asText()).as("the token that asked").isEqualTo("bootstrap");
        assertThat(runs.size()).isLessThanOrEqualTo(5);
        assertThat(server.admin("GET", "/admin/jobs/rollup_1m/runs?limit=0", null).statusCode()).isEqualTo(400);
    }

    @Test
    void aRunPastItsTimeoutFailsWithItsSqlstateRecorded() throws IOException {
        HttpResponse<String> response = run("slow");
        assertThat(response.statusCode()).isEqualTo(500);
        JsonNode failed = json(response).get("run");
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        assertThat(failed.get("error_sqlstate").asText()).isEqualTo("57014"); // query_canceled
        assertThat(failed.get("error_message").asText()).contains("statement timeout");
        assertThat(server.queryLong("SELECT count(*) FROM job_runs WHERE job = 'slow' AND status = 'failed'"))
                .isPositive();
    }

    @Test
    void aJobNeverOverlapsItself() {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 2; i++) calls.add(CompletableFuture.supplyAsync(() -> run("slow")));
        List<Integer> statuses = calls.stream().map(CompletableFuture::join).map(HttpResponse::statusCode).toList();
        assertThat(statuses).containsExactlyInAnyOrder(500, 409);
    }

    @Test
    void unknownJobsAndBadBackfillsAreClientErrors() {
        assertThat(server.admin("POST", "/admin/jobs/nope/run", null).statusCode()).isEqualTo(404);
        assertThat(server.admin("POST", "/admin/jobs/rollup_1m/run", "{\"from\": \"2026-11-25T00:00:00Z\"}")
                .statusCode()).isEqualTo(400);
        assertThat(server.admin("POST", "/admin/jobs/rollup_1m/run",
                "{\"from\": \"2026-11-25T00:00:00Z\", \"to\": \"2026-11-24T00:00:00Z\"}").statusCode()).isEqualTo(400);
        assertThat(server.admin("POST", "/admin/jobs/rollup_1m/run", "{\"from\": \"yesterday\", \"to\": \"now\"}")
                .body()).contains("RFC 3339");
    }

    static Stream<Arguments> notBackfillRanges() {
        String day = "\"2026-11-24T00:00:00Z\"";
        return Stream.of(
                Arguments.of("null", "got null"),
                Arguments.of("[" + day + ", " + day + "]", "got array"),
                Arguments.of(day, "got string"),
                Arguments.of("{}", "from is missing"),
                Arguments.of("{\"from\": " + day + "}", "to is missing"),
                Arguments.of("{\"from\": null, \"to\": " + day + "}", "from is missing"),
                Arguments.of("{\"start\": " + day + ", \"end\": " + day + "}", "unknown key 'start', 'end'"),
                Arguments.of("{\"from\": 1, \"to\": 2}", "from must be an RFC 3339"),
                Arguments.of("{not json", "body is not JSON"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notBackfillRanges")
    void aRunBodyThatIsNotABackfillRangeIsRefusedNotTakenForAPlainRun(String body, String problem) {
        long runsBefore = server.queryLong("SELECT count(*) FROM job_runs WHERE job = 'rollup_1m'");
        HttpResponse<String> response = server.admin("POST", "/admin/jobs/rollup_1m/run", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).contains(problem);
        assertThat(server.queryLong("SELECT count(*) FROM job_runs WHERE job = 'rollup_1m'")).isEqualTo(runsBefore);
    }

    @Test
    void reloadAddsACopiedJobAndRefusesAnInvalidFolder() throws IOException {
        String copy = Files.readString(jobsFolder.resolve("rollup_1m.sql"))
                .replace("-- name: rollup_1m", "-- name: rollup_5m")
                .replace("-- bucket: 1m", "-- bucket: 5m")
                .replace("-- target: rollup_1m", "-- target: rollup_5m")
                .replace("DELETE FROM rollup_1m", "CREATE TABLE IF NOT EXISTS rollup_5m (LIKE rollup_1m);\n"
                        + "DELETE FROM rollup_5m")
                .replace("INSERT INTO rollup_1m", "INSERT INTO rollup_5m");
        Files.writeString(jobsFolder.resolve("rollup_5m.sql"), copy);
        try {
            HttpResponse<String> reload = server.admin("POST", "/admin/jobs/reload", null);
            assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
            assertThat(reload.body()).contains("rollup_5m");
            server.api().postJson(
                    "[{\"sensor\":\"five\",\"ts\":\"" + Instant.now().minusSeconds(900) + "\",\"value\":1}]");
            assertThat(run("rollup_5m").statusCode()).isEqualTo(200);
            assertThat(server.queryLong("SELECT count(*) FROM rollup_5m")).isPositive();

            Files.writeString(jobsFolder.resolve("broken.sql"), "-- every: 1m\n-- bucket: 1m\nSELECT 1;\n");
            HttpResponse<String> refused = server.admin("POST", "/admin/jobs/reload", null);
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).contains("broken.sql:2");
            assertThat(server.admin("GET", "/admin/jobs/rollup_5m", null).statusCode()).isEqualTo(200);
        } finally {
            Files.deleteIfExists(jobsFolder.resolve("broken.sql"));
            Files.deleteIfExists(jobsFolder.resolve("rollup_5m.sql"));
            server.admin("POST", "/admin/jobs/reload", null);
        }
    }

    @Test
    void theReadmeRecipeAddsAWorkingRollupWithItsTableViewAndLiveQuery() throws IOException {
        // README: sed 's/rollup_1m/rollup_5m/g; s/bucket: 1m/bucket: 5m/' jobs/rollup_1m.sql > jobs/rollup_5m.sql
        Files.writeString(jobsFolder.resolve("rollup_5m.sql"), Files.readString(jobsFolder.resolve("rollup_1m.sql"))
                .replace("rollup_1m", "rollup_5m").replace("bucket: 1m", "bucket: 5m"));
        try {
            HttpResponse<String> reload = server.admin("POST", "/admin/jobs/reload", null);
            assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
            Instant ts = Instant.now().minusSeconds(900);
            server.api().postJson("[{\"sensor\":\"recipe\",\"ts\":\"" + ts + "\",\"value\":3},"
                    + "{\"sensor\":\"recipe\",\"ts\":\"" + ts.plusSeconds(1) + "\",\"value\":5}]");
            HttpResponse<String> run = run("rollup_5m");
            assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
            assertThat(server.queryLong("SELECT sum(count) FROM rollup_5m_v WHERE sensor = 'recipe'")).isEqualTo(2);
            String live = "/api/v1/rollups/5m?sensor=recipe&from=" + ts.minusSeconds(3600) + "&to=" + Instant.now();
            JsonNode buckets = server.getJson(live).get("series").get(0).get("buckets");
            long count = 0;
            for (JsonNode bucket : buckets) count += bucket.get("count").asLong();
            assertThat(count).isEqualTo(2);

            server.execute("DROP TABLE rollup_5m CASCADE"); // an operator's mistake: the live query cannot work
            HttpResponse<String> broken = server.get(live);
            assertThat(broken.statusCode()).isEqualTo(500);
            assertThat(broken.body()).contains("error").doesNotContain("stored");
        } finally {
            Files.deleteIfExists(jobsFolder.resolve("rollup_5m.sql"));
            server.admin("POST", "/admin/jobs/reload", null);
        }
    }

    @Test
    void aJobWhoseTargetCannotBeItsRollupFailsTheLoadNamingFileAndLine() throws IOException {
        String minute = Files.readString(jobsFolder.resolve("rollup_1m.sql"));
        int targetLine = lineOf(minute, "-- target:");
        // The recipe half done: name, target and bucket changed, the statements still write rollup_1m.
        String halfCopied = minute.replace("-- name: rollup_1m", "-- name: rollup_2m")
                .replace("-- target: rollup_1m", "-- target: rollup_2m").replace("-- bucket: 1m", "-- bucket: 2m");
        // A target that exists and is no rollup table.
        String onSeries = minute.replace("rollup_1m", "series");
        for (String[] file : new String[][] {
            {"half_copied.sql", halfCopied, lineOf(minute, "DELETE FROM rollup_1m") + ": DELETE FROM rollup_1m"},
            {"on_series.sql", onSeries, targetLine + ": target series cannot be this job's rollup table"}}) {
            Files.writeString(jobsFolder.resolve(file[0]), file[1]);
            try {
                HttpResponse<String> refused = server.admin("POST", "/admin/jobs/reload", null);
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
                assertThat(refused.body()).contains(file[0] + ":" + file[2]);
            } finally {
                Files.delete(jobsFolder.resolve(file[0]));
            }
        }
        assertThat(server.queryLong("SELECT count(*) FROM job_state WHERE job IN ('rollup_2m', 'series')")).isZero();
        assertThat(server.admin("POST", "/admin/jobs/reload", null).statusCode()).isEqualTo(200);
    }

    private static int lineOf(String text, String start) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(start)) return i + 1;
        }
        throw new AssertionError("no line starting with " + start);
    }

    @Test
    void anInvalidJobFileStopsStartUpNamingFileAndLine(@TempDir Path folder) throws IOException {
        Files.writeString(folder.resolve("typo.sql"), "-- every: 1m\n-- sourse: readings\nSELECT 1;\n");
        assertThatThrownBy(() -> TestServer.start(TestServer.unscheduledJobs(folder.toString())))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("typo.sql:2: unknown header key 'sourse' (did you mean 'source'?)");
    }

    @Test
    void failedScheduledRunsAreRetriedWithBackoff(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("divide.sql"),
                "-- every: 1s\nSELECT 1 / (SELECT count(*) - count(*) FROM series);\n");
        Files.writeString(folder.resolve("tick.sql"), "-- every: 1s\nSELECT 1;\n");
        try (TestServer scheduled = TestServer.start(c -> c.withJobs(new JobsConfig(folder.toString(), true, null,
                Duration.ofMillis(200), Duration.ofSeconds(1), null)))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            String failedRetries = "SELECT count(*) FROM job_runs WHERE job = 'divide' AND trigger = 'retry'"
                    + " AND status = 'failed' AND error_sqlstate = '22012'"; // 22012: division_by_zero
            while (scheduled.queryLong(failedRetries) < 2 && System.nanoTime() < deadline) Thread.sleep(100);
            assertThat(scheduled.queryLong(failedRetries)).isGreaterThanOrEqualTo(2);
            assertThat(scheduled.queryLong("SELECT count(*) FROM job_runs WHERE job = 'tick' AND status = 'succeeded'"))
                    .isPositive();
        }
    }

    private static HttpResponse<String> run(String job) {
        return server.admin("POST", "/admin/jobs/" + job + "/run", null);
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isIn(200, 500);
        return JSON.readTree(response.body());
    }

    private static JsonNode find(JsonNode jobs, String name) {
        for (JsonNode job : jobs) {
            if (job.get("name").asText().equals(name)) return job;
        }
        throw new AssertionError("no job " + name + " in " + jobs);
    }

    /** Follows a started backfill (a 202 with its run's Location) until its run ends; returns the ended run. */
    static JsonNode awaitRun(TestServer server, HttpResponse<String> started) throws IOException, InterruptedException {
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String location = started.headers().firstValue("Location").orElseThrow();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            HttpResponse<String> run = server.admin("GET", location, null);
            assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
            JsonNode json = JSON.readTree(run.body());
            if (!json.get("status").asText().equals("running")) return json;
            assertThat(System.nanoTime()).as("run still going: %s", json).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    static void copyShippedJobs(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(Path.of("jobs"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".sql")).toList()) {
                Files.copy(f, folder.resolve(f.getFileName()));
            }
        }
    }
}
