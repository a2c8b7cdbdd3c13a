package io.tidemark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.config.JobsConfig;
import io.tidemark.testing.TestDatabase;
import io.tidemark.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server instances share one database, both scheduling the same jobs every second while readings (many of them
 * late) arrive through both: each run happens on one instance at a time, and nothing is counted twice.
 */
class MultiInstanceJobsIT {

    @Test
    void twoInstancesNeverRunAJobAtOnceAndRollupsStayExact(@TempDir Path folder) throws Exception {
        JobsAdminIT.copyShippedJobs(folder);
        for (String job : new String[] {"rollup_1m", "rollup_1h", "rollup_1d"}) {
            Path file = folder.resolve(job + ".sql");
            Files.writeString(file, Files.readString(file).replaceFirst("-- every: \\w+", "-- every: 1s"));
        }
        JobsConfig jobs = new JobsConfig(folder.toString(), true, 2, Duration.ofMillis(200), Duration.ofSeconds(1),
                null);
        long seed = System.nanoTime();
        Random random = new Random(seed);
        try (TestDatabase database = TestDatabase.create();
                TestServer a = TestServer.attach(database, c -> c.withJobs(jobs));
                TestServer b = TestServer.attach(database, c -> c.withJobs(jobs))) {
            long until = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            while (System.nanoTime() < until) {
                TestServer target = random.nextBoolean() ? a : b;
                HttpResponse<String> post = target.post("/api/v1/readings", "application/json", batch(random));
                assertThat(post.statusCode()).as(post.body()).isEqualTo(200);
                Thread.sleep(random.nextInt(50));
            }
            assertThat(a.queryLong("""
                    SELECT count(*) FROM job_runs x JOIN job_runs y
                      ON x.job = y.job AND x.id < y.id
                     AND x.started_at < coalesce(y.finished_at, now()) AND y.started_at < coalesce(x.finished_at, now())
                    """)).as("overlapping runs of one job").isZero();
            assertThat(a.queryLong("SELECT count(DISTINCT instance) FROM job_runs")).isEqualTo(2);
            for (String job : new String[] {"rollup_1m", "rollup_1h", "rollup_1d"}) {
                HttpResponse<String> run;
                do {
                    run = a.admin("POST", "/admin/jobs/" + job + "/run", null);
                } while (run.statusCode() == 409);
                assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
            }
            try (Connection c = database.connect()) {
                assertThat(RollupCheck.mismatches(c, "rollup_1m", "1 minute")).as("seed %d", seed).isEmpty();
                assertThat(RollupCheck.mismatches(c, "rollup_1h", "1 hour")).as("seed %d", seed).isEmpty();
                assertThat(RollupCheck.mismatches(c, "rollup_1d", "1 day")).as("seed %d", seed).isEmpty();
            }
            assertThat(a.queryLong("SELECT count(*) FROM rollup_1m")).isPositive();
        }
    }

    /**
     * Nodes may run different jobs on one database: a node that does not define a job (started from another folder,
     * or with jobs of its own) leaves that job's state to the nodes that run it. Only state no node has kept for
     * a day is removed, by whichever node starts or reloads next.
     */
    @Test
    void aNodeWithoutAJobLeavesItsStateToTheNodesThatRunIt(@TempDir Path folder, @TempDir Path empty)
            throws Exception {
        JobsAdminIT.copyShippedJobs(folder);
        try (TestDatabase database = TestDatabase.create();
                TestServer runner = TestServer.attach(database, TestServer.unscheduledJobs(folder.toString()))) {
            long now = System.currentTimeMillis();
            HttpResponse<String> post = runner.post("/api/v1/readings", "application/json",
                    "[{\"sensor\":\"kept\",\"ts\":" + (now - 600_000) + ",\"value\":1}]");
            assertThat(post.statusCode()).as(post.body()).isEqualTo(200);
            try (TestServer other = TestServer.attach(database, TestServer.unscheduledJobs(empty.toString()))) {
                assertThat(other.queryLong("SELECT count(*) FROM job_state")).as("job states kept").isEqualTo(3);
            }
            HttpResponse<String> run = runner.admin("POST", "/admin/jobs/rollup_1m/run", null);
            assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
            try (Connection c = database.connect()) {
                assertThat(RollupCheck.mismatches(c, "rollup_1m", "1 minute")).isEmpty();
            }
            assertThat(runner.queryLong("SELECT count(*) FROM rollup_1m")).isPositive();

            runner.execute("UPDATE job_state SET seen_at = now() - interval '25 hours' WHERE job = 'rollup_1d'");
            try (TestServer other = TestServer.attach(database, TestServer.unscheduledJobs(empty.toString()))) {
                assertThat(other.queryLong("SELECT count(*) FROM job_state WHERE job = 'rollup_1d'"))
                        .as("state no node has kept for a day").isZero();
                assertThat(other.queryLong("SELECT count(*) FROM job_state")).isEqualTo(2);
            }
        }
    }

    private static String batch(Random random) {
        StringBuilder body = new StringBuilder("[");
        long now = System.currentTimeMillis();
        for (int i = 0; i < 50; i++) {
            long age = random.nextBoolean() ? random.nextInt(5_000) : random.nextInt(7_200_000);
            if (i > 0) body.append(',');
            body.append(String.format(Locale.ROOT, "{\"sensor\":\"m%d\",\"ts\":%d,\"value\":%.2f}",
                    random.nextInt(5), now - age, random.nextDouble() * 100));
        }
        return body.append(']').toString();
    }
}
