package io.tidemark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.testing.Poll;
import io.tidemark.testing.RandomSeed;
import io.tidemark.testing.TestServer;
import io.tidemark.testing.TidemarkServerExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast lane stays fast: a job run recomputing a bucket never makes a writer of that bucket wait, and the rollups
 * stay exact when long runs and late writes to the same buckets overlap.
 *
 * <p>The shipped rollup jobs run here with one more statement, which takes a shared advisory lock: a test holding it
 * exclusively keeps every compute transaction open (deterministically, with no sleep to outlast), after it has
 * deleted and rewritten its buckets, which is when the old protocol made writers wait.
 */
@ExtendWith(RandomSeed.class)
class FastLaneIT {
    private static final long HOLD = 0x6661_7374L; // "fast"
    private static final String[] JOBS = {"rollup_1m", "rollup_1h", "rollup_1d"};
    private static final String[] WIDTHS = {"1 minute", "1 hour", "1 day"};
    /** The backend of the held run: the one waiting for the test's advisory lock. */
    private static final String HELD_RUN = """
            SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'
              AND query LIKE '%pg_advisory_xact_lock_shared%'""";
    /** Backends waiting on a lock the held run's transaction holds. */
    private static final String BLOCKED_BY_RUN = """
            SELECT count(*) FROM pg_stat_activity
            WHERE pid <> %1$d AND %1$d = ANY(pg_blocking_pids(pid))""";

    @TempDir
    static Path jobsFolder;
    @RegisterExtension
    static final TidemarkServerExtension server = TidemarkServerExtension.startedBy(FastLaneIT::startWithHeldJobs);

    private static TestServer startWithHeldJobs() {
        try {
            for (String job : JOBS) {
                Files.writeString(jobsFolder.resolve(job + ".sql"), Files.readString(Path.of("jobs", job + ".sql"))
                        + "\nDO $$ BEGIN PERFORM pg_advisory_xact_lock_shared(" + HOLD + "); END $$;\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return TestServer.start(TestServer.unscheduledJobs(jobsFolder.toString()));
    }

    @Test
    void lateWritesToTheBucketARunHoldsAreAnsweredWhileItHoldsIt() throws Exception {
        Instant minute = Instant.now().minus(30, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MINUTES);
        post("held", minute.plusSeconds(1), 1);
        run("rollup_1m"); // the minute is now below the watermark: what follows is late
        post("held", minute.plusSeconds(2), 2);

        List<CompletableFuture<HttpResponse<String>>> late = new ArrayList<>();
        try (Connection hold = server.database().connect()) {
            lock(hold, "SELECT pg_advisory_lock(?)");
            CompletableFuture<HttpResponse<String>> runHeld = CompletableFuture.supplyAsync(
                    () -> server.admin("POST", "/admin/jobs/rollup_1m/run", null));
            Poll.until("the run holds its compute transaction open",
                    () -> server.database().queryStrings(HELD_RUN).size() == 1);
            long runPid = Long.parseLong(server.database().queryStrings(HELD_RUN).get(0));
            // The held transaction has deleted and rewritten the minute's rows: the writes below touch the same rows'
            // bucket. Each must be answered while the run is still held, and no one may be seen waiting on the run.
            for (int i = 0; i < 20; i++) {
                late.add(server.api().sendAsync(server.api().readings(body("held", minute.plusSeconds(3 + i), i),
                        "Content-Type", "application/json").build()));
            }
            // A day with no partition yet: creating one must not wait for the run reading readings either.
            late.add(server.api().sendAsync(server.api().readings(body("held-elsewhen",
                    Instant.now().minus(5, ChronoUnit.DAYS), 1), "Content-Type", "application/json").build()));
            CompletableFuture<Void> all = CompletableFuture.allOf(late.toArray(CompletableFuture[]::new));
            while (!all.isDone()) {
                assertThat(server.queryLong(String.format(BLOCKED_BY_RUN, runPid)))
                        .as("backends waiting on the held run's locks").isZero();
                try {
                    all.get(50, TimeUnit.MILLISECONDS);
                } catch (TimeoutException stillWaiting) {
                    // look again
                }
            }
            for (CompletableFuture<HttpResponse<String>> answer : late) {
                assertThat(answer.get().statusCode()).as(answer.get().body()).isEqualTo(200);
            }
            assertThat(runHeld).as("the run is still held after every late write was answered").isNotDone();
            lock(hold, "SELECT pg_advisory_unlock(?)");
            assertThat(runHeld.get().statusCode()).as(runHeld.get().body()).isEqualTo(200);
        }
        run("rollup_1m"); // absorbs the late writes
        assertThat(server.queryLong("SELECT count FROM rollup_1m_v WHERE sensor = 'held' AND bucket = '"
                + minute + "'")).isEqualTo(22);
        assertThat(mismatches("rollup_1m", "1 minute")).isEmpty();
    }

    @Test
    void rollupsStayExactWhenLongRunsOverlapLateWritesToTheirBuckets(Random random) throws Exception {
        AtomicBoolean ingesting = new AtomicBoolean(true);
        AtomicReference<Throwable> runnerFailure = new AtomicReference<>();
        Random runs = new Random(random.nextLong());
        Thread runner = new Thread(() -> {
            try {
                while (ingesting.get()) {
                    HttpResponse<String> run = server.admin("POST", "/admin/jobs/" + JOBS[runs.nextInt(3)] + "/run",
                            null);
                    assertThat(run.statusCode()).as(run.body()).isIn(200, 409);
                }
            } catch (Throwable t) {
                runnerFailure.set(t);
            }
        });
        // Every compute transaction is held for a while, with writes to the same few buckets landing meanwhile.
        try (Connection hold = server.database().connect()) {
            runner.start();
            long now = System.currentTimeMillis();
            long[] hot = {now - 20 * 60_000, now - 90 * 60_000, now - 26 * 3_600_000L};
            for (int batch = 0; batch < 60; batch++) {
                boolean held = random.nextInt(3) == 0;
                if (held) lock(hold, "SELECT pg_advisory_lock(?)");
                StringBuilder body = new StringBuilder("[");
                for (int i = 0, n = 1 + random.nextInt(50); i < n; i++) {
                    long ts = random.nextInt(4) == 0 ? now - random.nextInt(3_600_000)
                            : hot[random.nextInt(hot.length)] + random.nextInt(120_000);
                    if (i > 0) body.append(',');
                    body.append(String.format(Locale.ROOT, "{\"sensor\":\"x%d\",\"ts\":%d,\"value\":%.3f}",
                            random.nextInt(4), ts, random.nextDouble() * 100));
                }
                HttpResponse<String> post = server.api().postReadings("application/json", body.append(']').toString());
                assertThat(post.statusCode()).as(post.body()).isEqualTo(200);
                if (held) {
                    Thread.sleep(random.nextInt(20));
                    lock(hold, "SELECT pg_advisory_unlock(?)");
                }
            }
        } finally {
            ingesting.set(false);
            runner.join();
        }
        assertThat(runnerFailure.get()).isNull();
        for (String job : JOBS) run(job);
        for (int j = 0; j < JOBS.length; j++) {
            assertThat(mismatches(JOBS[j], WIDTHS[j])).as("%s differs from readings", JOBS[j]).isEmpty();
        }
        assertThat(server.queryLong("SELECT count(*) FROM rollup_1d")).isPositive();
        assertThat(server.queryLong("SELECT count(*) FROM write_log WHERE source = 'readings'"))
                .as("entries every job has absorbed are purged").isZero();
    }

    private static void run(String job) {
        HttpResponse<String> run;
        do {
            run = server.admin("POST", "/admin/jobs/" + job + "/run", null);
        } while (run.statusCode() == 409);
        assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
    }

    private static void post(String sensor, Instant ts, double value) {
        HttpResponse<String> post = server.api().postReadings("application/json", body(sensor, ts, value));
        assertThat(post.statusCode()).as(post.body()).isEqualTo(200);
    }

    private static byte[] body(String sensor, Instant ts, double value) {
        return String.format(Locale.ROOT, "{\"sensor\":\"%s\",\"ts\":\"%s\",\"value\":%s}", sensor, ts, value)
                .getBytes(StandardCharsets.UTF_8);
    }

    private static void lock(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, HOLD);
            s.execute();
        }
    }

    private static List<String> mismatches(String job, String width) throws SQLException {
        try (Connection c = server.database().connect()) {
            return RollupCheck.mismatches(c, job, width);
        }
    }
}
