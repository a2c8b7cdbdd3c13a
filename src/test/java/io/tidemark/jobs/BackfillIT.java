package io.tidemark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.testing.TestServer;
import io.tidemark.testing.TidemarkServerExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Backfills are bounded and asynchronous: absurd ranges are refused at once, a large one answers 202 and proceeds in
 * batches only over time that can hold data, showing its progress; every statement of a run has a time limit.
 */
class BackfillIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** No answer within this is a hung request. */
    private static final Duration PROMPT = Duration.ofSeconds(10);
    @TempDir
    static Path jobsFolder;
    @RegisterExtension
    static final TidemarkServerExtension server = TidemarkServerExtension.startedBy(BackfillIT::startOnJobsFolder);

    /**
     * The shipped jobs; {@code paced}, a per-minute rollup that takes 0.1 s a batch of one bucket (so its progress
     * can be watched); and {@code tight}, a per-minute rollup whose statements may take 1 s.
     */
    private static TestServer startOnJobsFolder() {
        try {
            JobsAdminIT.copyShippedJobs(jobsFolder);
            String minute = Files.readString(jobsFolder.resolve("rollup_1m.sql"));
            Files.writeString(jobsFolder.resolve("paced.sql"), rollupCopy(minute, "paced",
                    "-- max_buckets: 1\n", "SELECT pg_sleep(0.1);\n"));
            Files.writeString(jobsFolder.resolve("tight.sql"), rollupCopy(minute, "tight", "-- timeout: 1s\n", ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return TestServer.start(TestServer.unscheduledJobs(jobsFolder.toString()));
    }

    private static String rollupCopy(String minute, String name, String header, String statement) {
        return minute.replace("-- name: rollup_1m\n", "-- name: " + name + "\n" + header)
                .replace("-- target: rollup_1m", "-- target: " + name + "_rollup")
                .replace("DELETE FROM rollup_1m", statement + "CREATE TABLE IF NOT EXISTS " + name
                        + "_rollup (LIKE rollup_1m INCLUDING ALL);\nDELETE FROM " + name + "_rollup")
                .replace("INSERT INTO rollup_1m", "INSERT INTO " + name + "_rollup");
    }

    @ParameterizedTest(name = "{0} .. {1}")
    @CsvSource({
        "-5000-01-01T00:00:00Z, 2026-11-25T00:00:00Z, from: ",
        "2026-11-24T00:00:00Z,  +10000-01-01T00:00:00Z, to: ",
        "1976-01-01T00:00:00Z,  1977-01-01T00:00:00Z, to: 1977-01-01T00:00:00Z is not after the oldest data",
    })
    void aBackfillOutsideTheDataIsRefusedAtOnceNamingTheField(String from, String to, String problem) {
        // Counted for rollup_1m alone: another test's failed run of another job may be retried meanwhile.
        String runsOfTheJob = "SELECT count(*) FROM job_runs WHERE job = 'rollup_1m'";
        String dirtyOfTheJob = "SELECT count(*) FROM dirty_buckets WHERE job = 'rollup_1m'";
        long runs = server.queryLong(runsOfTheJob);
        long dirty = server.queryLong(dirtyOfTheJob);
        HttpResponse<String> answer = backfill("rollup_1m", from, to);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(answer.body()).contains(problem);
        assertThat(server.queryLong(runsOfTheJob)).isEqualTo(runs);
        assertThat(server.queryLong(dirtyOfTheJob)).isEqualTo(dirty);
    }

    @Test
    void aFiftyYearBackfillAnswersAtOnceAndRecomputesOnlyWhereDataCanBe() throws Exception {
        server.api().postJson("[{\"sensor\":\"old\",\"ts\":\"" + Instant.now().minusSeconds(1200) + "\",\"value\":4},"
                + "{\"sensor\":\"old\",\"ts\":\"" + Instant.now().minusSeconds(7200) + "\",\"value\":6}]");
        long started = System.nanoTime();
        HttpResponse<String> answer = backfill("rollup_1m", "1976-01-01T00:00:00Z", Instant.now().toString());
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        assertThat(answer.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l)
                .matches("/admin/jobs/rollup_1m/runs/\\d+"));
        JsonNode done = JobsAdminIT.awaitRun(server.get(), answer);
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(done.get("trigger").asText()).isEqualTo("backfill");
        // Work was made only for minutes inside partitions of readings: not 26 million minutes since 1976.
        long minutesInPartitions = server.queryLong("""
                SELECT sum(extract(epoch FROM least(hi, now()) - lo) / 60 + 1)::bigint
                FROM readings_partitions() WHERE lo < now()""");
        assertThat(done.get("buckets_total").asLong()).isPositive().isLessThanOrEqualTo(minutesInPartitions);
        assertThat(done.get("buckets").asLong()).isEqualTo(done.get("buckets_total").asLong());
        assertThat(server.queryLong("SELECT count(*) FROM dirty_buckets WHERE job = 'rollup_1m'")).isZero();
        assertThat(server.queryLong("SELECT sum(count) FROM rollup_1m_v WHERE sensor = 'old'")).isEqualTo(2);
        try (Connection c = server.database().connect()) {
            assertThat(RollupCheck.mismatches(c, "rollup_1m", "1 minute")).isEmpty();
        }

        // A job reading another job's table is bounded by that table's buckets.
        JsonNode hourly = JobsAdminIT.awaitRun(server.get(),
                backfill("rollup_1h", "1976-01-01T00:00:00Z", Instant.now().toString()));
        assertThat(hourly.get("status").asText()).as(hourly.toString()).isEqualTo("succeeded");
        assertThat(hourly.get("buckets_total").asLong()).isPositive().isLessThanOrEqualTo(minutesInPartitions / 60 + 1);
        try (Connection c = server.database().connect()) {
            assertThat(RollupCheck.mismatches(c, "rollup_1h", "1 hour")).isEmpty();
        }
        assertThat(server.queryLong("SELECT sum(count) FROM rollup_1h_v WHERE sensor = 'old'")).isEqualTo(server
                .queryLong("""
                        SELECT count(*) FROM readings_v WHERE sensor = 'old'
                          AND ts < (SELECT watermark FROM job_state WHERE job = 'rollup_1h')"""));
    }

    @Test
    void aBackfillShowsItsProgressAndTheJobIsBusyUntilItEnds() throws Exception {
        Instant from = Instant.now().minus(Duration.ofMinutes(40)).truncatedTo(ChronoUnit.MINUTES);
        server.api().postJson("[{\"sensor\":\"paced\",\"ts\":\"" + from + "\",\"value\":1}]"); // its partition too
        server.execute("UPDATE job_state SET watermark = date_bin('1 minute', now(), TIMESTAMPTZ 'epoch')"
                + " WHERE job = 'paced'");
        HttpResponse<String> answer = backfill("paced", from.toString(), from.plus(Duration.ofMinutes(30)).toString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        JsonNode first = JSON.readTree(answer.body());
        assertThat(first.get("status").asText()).isEqualTo("running");
        assertThat(backfill("paced", from.toString(), from.plusSeconds(60).toString()).statusCode()).isEqualTo(409);
        assertThat(server.admin("POST", "/admin/jobs/paced/run", null).statusCode()).isEqualTo(409);

        String location = answer.headers().firstValue("Location").orElseThrow();
        boolean sawProgress = false;
        JsonNode run;
        do {
            run = JSON.readTree(server.admin("GET", location, null).body());
            long done = run.path("buckets").asLong();
            long total = run.path("buckets_total").asLong();
            if (run.get("status").asText().equals("running") && done > 0 && done < total) {
                // the 30 minutes asked for, and at most the minute or two the run's advance or late readings add
                assertThat(total).isBetween(30L, 33L);
                sawProgress = true;
            }
            Thread.sleep(20);
        } while (run.get("status").asText().equals("running"));
        assertThat(sawProgress).as("progress seen in the run while it ran").isTrue();
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("succeeded");
        assertThat(run.get("buckets").asLong()).isEqualTo(run.get("buckets_total").asLong()).isBetween(30L, 33L);
        HttpResponse<String> next;
        do {
            next = server.admin("POST", "/admin/jobs/paced/run", null); // the lock goes just after the run ends
        } while (next.statusCode() == 409);
        assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
    }

    @Test
    void aStatementStuckOnALockEndsAtTheJobTimeoutAndTheLockIsReleased() throws Exception {
        HttpResponse<String> failed;
        try (Connection c = server.database().connect(); Statement s = c.createStatement()) {
            // An operator's transaction holds the job's state row: the run's first step waits for it.
            c.setAutoCommit(false);
            s.execute("SELECT * FROM job_state WHERE job = 'tight' FOR UPDATE");
            failed = server.send(HttpRequest.newBuilder(server.uri("/admin/jobs/tight/run")).timeout(PROMPT)
                    .header("Authorization", "Bearer " + TestServer.ADMIN_TOKEN)
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            c.rollback();
        }
        assertThat(failed.statusCode()).as(failed.body()).isEqualTo(500);
        JsonNode run = JSON.readTree(failed.body()).get("run");
        assertThat(run.get("error_sqlstate").asText()).isEqualTo("57014");
        assertThat(run.get("error_message").asText()).contains("statement timeout");
        HttpResponse<String> again = server.admin("POST", "/admin/jobs/tight/run", null);
        assertThat(again.statusCode()).as("the run lock is free again: %s", again.body()).isEqualTo(200);
    }

    private static HttpResponse<String> backfill(String job, String from, String to) {
        return server.send(HttpRequest.newBuilder(server.uri("/admin/jobs/" + job + "/run")).timeout(PROMPT)
                .header("Authorization", "Bearer " + TestServer.ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"from\": \"" + from + "\", \"to\": \"" + to + "\"}"))
                .build());
    }
}
