package io.tidemark.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Brings the shipped rollups of a store's Tidemark up to date over its history. Binary COPY told the jobs nothing,
 * and the jobs themselves catch up too slowly for the benchmark (on this 2-core machine about 40 one-minute buckets
 * a second at 10M readings: 6 minutes for ten days, far more at 100M), so the history is materialized as an operator
 * would do it by hand: holding each job's run lock (the scheduler then skips its slots), one plain INSERT ... SELECT
 * ... GROUP BY per day into {@code rollup_1m}, then {@code rollup_1h} from it and {@code rollup_1d} from that, with
 * each job's watermark set to the end of what was materialized; released, the jobs carry on from there on their
 * schedules ({@link #settle}).
 */
final class ReadRollups {
    static final List<String> JOBS = List.of("rollup_1m", "rollup_1h", "rollup_1d");
    private static final String CAUGHT_UP = """
            SELECT s.watermark >= now() - s.bucket_width - interval '2 minutes'
                   AND NOT EXISTS (SELECT 1 FROM dirty_buckets d WHERE d.job = s.job)
            FROM job_state s WHERE s.job = ?""";

    /** The jobs' run lock: a session advisory lock on (this, hashtext(job)), as io.tidemark.jobs.JobRunner takes it. */
    private static final int RUN_LOCK_CLASS = 0x7469_6465;
    private static final String ROLLUP_1M = """
            INSERT INTO rollup_1m (series_id, bucket, count, sum, min, max, avg)
            SELECT series_id, date_bin('1 minute', ts, TIMESTAMPTZ 'epoch'), count(*), sum(value), min(value),
                   max(value), avg(value)
            FROM readings WHERE ts >= '%s' AND ts < '%s' GROUP BY 1, 2""";
    /** Whole buckets below the end's: the bucket holding the end is left to the job. */
    private static final String UPPER = """
            INSERT INTO %1$s (series_id, bucket, count, sum, min, max, avg)
            SELECT series_id, date_bin('%2$s', bucket, TIMESTAMPTZ 'epoch'), sum(count), sum(sum), min(min), max(max),
                   sum(sum) / sum(count)
            FROM %3$s WHERE bucket < date_bin('%2$s', TIMESTAMPTZ '%4$s', TIMESTAMPTZ 'epoch') GROUP BY 1, 2""";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** Materializes [store.from, end) of every rollup (end a whole minute); returns how long it took, in ms. */
    double materialize(ReadStore store, long end) throws Exception {
        long started = System.nanoTime();
        Instant to = Instant.ofEpochMilli(end);
        for (String job : JOBS) lock(store, job);
        try {
            store.execute("TRUNCATE rollup_1m, rollup_1h, rollup_1d");
            List<Instant> days = new ArrayList<>();
            for (long d = store.from; d < end; d += ReadHistory.DAY_MILLIS) days.add(Instant.ofEpochMilli(d));
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (Instant day : days) {
                    Instant dayEnd = day.plus(Duration.ofDays(1)).isAfter(to) ? to : day.plus(Duration.ofDays(1));
                    done.add(pool.submit(() -> {
                        try (Connection c = store.database.connect(); Statement s = c.createStatement()) {
                            s.execute(ROLLUP_1M.formatted(day, dayEnd));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) f.get();
            } finally {
                pool.shutdownNow();
            }
            store.execute(UPPER.formatted("rollup_1h", "1 hour", "rollup_1m", to));
            store.execute(UPPER.formatted("rollup_1d", "1 day", "rollup_1h", to));
            store.execute("UPDATE job_state SET watermark = date_bin(bucket_width, '" + to + "', TIMESTAMPTZ 'epoch')"
                    + " WHERE job IN ('rollup_1m', 'rollup_1h', 'rollup_1d')");
            store.execute("DELETE FROM dirty_buckets WHERE job IN ('rollup_1m', 'rollup_1h', 'rollup_1d')");
            store.execute("ANALYZE rollup_1m");
            store.execute("ANALYZE rollup_1h");
        } finally {
            for (String job : JOBS) unlock(store, job);
        }
        return (System.nanoTime() - started) / 1e6;
    }

    private static void lock(ReadStore store, String job) throws SQLException {
        store.execute("SELECT pg_advisory_lock(" + RUN_LOCK_CLASS + ", hashtext('" + job + "'))");
    }

    private static void unlock(ReadStore store, String job) throws SQLException {
        store.execute("SELECT pg_advisory_unlock(" + RUN_LOCK_CLASS + ", hashtext('" + job + "'))");
    }

    /** Runs each job, in chain order, until it has caught up with the present. */
    void settle(ReadStore store) throws Exception {
        long started = System.nanoTime();
        for (String job : JOBS) {
            // At least one run of its own: a run absorbs the write log, so only after it do dirty buckets show.
            boolean ran = false;
            while (!ran || !caughtUp(store, job)) ran |= run(store, job);
            Benchmark.log(String.format("reads: %s: %s caught up after %.0f s", store.name, job,
                    (System.nanoTime() - started) / 1e9));
        }
    }

    private boolean caughtUp(ReadStore store, String job) throws SQLException {
        try (PreparedStatement s = store.sql.prepareStatement(CAUGHT_UP)) {
            s.setString(1, job);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) throw new IllegalStateException("no job_state row for " + job);
                return rs.getBoolean(1);
            }
        }
    }

    /** Runs the job once; false if it was running already (the scheduler's run, waited for a little). */
    private boolean run(ReadStore store, String job) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + store.tidemark.port() + "/admin/jobs/" + job + "/run"))
                .header("Authorization", "Bearer " + TidemarkServer.ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofHours(1)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 409) {
            Thread.sleep(2000);
            return false;
        }
        if (r.statusCode() != 200) throw new IOException(job + " run answered " + r.statusCode() + ": " + r.body());
        return true;
    }
}
