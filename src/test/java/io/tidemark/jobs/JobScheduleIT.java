package io.tidemark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.config.JobsConfig;
import io.tidemark.testing.TestDatabase;
import io.tidemark.testing.TestServer;
import io.tidemark.testing.TidemarkClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Schedules are aligned to the clock and survive restarts: a restart neither pushes a job back nor loses a slot. */
class JobScheduleIT {

    @Test
    void anHourlyJobRunsOnTheHourAndARestartDoesNotPushItBack(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("hourly.sql"), "-- every: 1h\nSELECT 1;\n");
        JobsConfig jobs = new JobsConfig(folder.toString(), true, null, null, null, null);
        try (TestDatabase database = TestDatabase.create()) {
            Instant nextHour = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
            try (TestServer first = TestServer.attach(database, c -> c.withJobs(jobs))) {
                assertThat(nextRun(first, "hourly")).isEqualTo(nextHour);
            }
            Thread.sleep(1100); // a restart a second later: counting from start-up would plan a second later too
            try (TestServer second = TestServer.attach(database, c -> c.withJobs(jobs))) {
                assertThat(nextRun(second, "hourly")).isEqualTo(nextHour);
                assertThat(second.queryLong("SELECT count(*) FROM job_runs WHERE job = 'hourly'")).isZero();
            }
        }
    }

    @Test
    void aSlotMissedWhileNoServerRanRunsOnceAtStartUp(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("hourly.sql"), "-- every: 1h\nSELECT 1;\n");
        try (TestDatabase database = TestDatabase.create()) {
            try (TestServer migrate = TestServer.attach(database, TestServer.unscheduledJobs(folder.toString()))) {
                // The last scheduled run was three slots ago; the server was down for the slots since.
                migrate.execute("""
                        INSERT INTO job_runs (job, trigger, status, instance, scheduled_for, started_at, finished_at)
                        SELECT 'hourly', 'schedule', 'succeeded', 'gone', slot, slot, slot
                        FROM (SELECT date_trunc('hour', now()) - interval '3 hours' AS slot) s""");
            }
            JobsConfig jobs = new JobsConfig(folder.toString(), true, null, null, null, null);
            try (TestServer restarted = TestServer.attach(database, c -> c.withJobs(jobs))) {
                String caughtUp = "SELECT count(*) FROM job_runs WHERE job = 'hourly' AND instance <> 'gone'"
                        + " AND status = 'succeeded'";
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (restarted.queryLong(caughtUp) == 0 && System.nanoTime() < deadline) Thread.sleep(50);
                Thread.sleep(1000); // time for any further catch-up runs, which there must not be
                assertThat(restarted.queryLong(caughtUp)).as("runs catching up the missed slots").isEqualTo(1);
                assertThat(nextRun(restarted, "hourly"))
                        .isEqualTo(Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1)));
            }
        }
    }

    private static Instant nextRun(TestServer server, String job) {
        HttpResponse<String> status = server.admin("GET", "/admin/jobs/" + job, null);
        assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
        return Instant.parse(TidemarkClient.json(status).get("next_run").asText());
    }
}
