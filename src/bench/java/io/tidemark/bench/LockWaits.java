package io.tidemark.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Lock-wait accounting of the mixed-load figure, from samples of {@code pg_stat_activity} taken every
 * {@link #INTERVAL_MILLIS}: how long the server's writer transactions waited on a lock (samples x interval; two writers
 * waiting in one sample count twice), the longest one wait (consecutive samples of one statement), and the longest job
 * transaction seen, which is what writers wait for. Not thread-safe: one sampler feeds it.
 *
 * <p>A statement is told apart by its text. The writer's own statements are the COPY into {@code readings} and those on
 * {@code idempotency_keys}; some are shared with job runs, which tell downstream jobs what they rewrote with the same
 * code: the {@code INSERT INTO write_log} (and, before the write log, the {@code SELECT txid_current()} that
 * share-locked {@code job_state} and the {@code INSERT INTO dirty_buckets ... unnest}). A shared statement counts as a
 * writer's unless its transaction was seen running a job statement (a job file's writes, {@code job_state},
 * {@code job_runs}, deleting or advancing {@code dirty_buckets}, advisory locks, a job's {@code statement_timeout}).
 * Anything else waiting on a lock (reads, maintenance) is counted apart.
 */
final class LockWaits {
    static final long INTERVAL_MILLIS = 100;

    enum Kind { WRITER, SHARED, JOB, OTHER }

    /** One row of pg_stat_activity; times in epoch microseconds, {@code waitEventType} null when not waiting. */
    record Backend(int pid, String state, String waitEventType, long xactStartMicros, long queryStartMicros,
            String query) {
        boolean waitingOnLock() {
            return "active".equals(state) && "Lock".equals(waitEventType);
        }
    }

    /** The totals; seconds are samples times the interval. */
    record Summary(long samples, long writerWaitSamples, double writerWaitSeconds, double longestWriterWaitSeconds,
            long otherWaitSamples, double longestJobTransactionSeconds) {}

    private static final Pattern WRITER = Pattern.compile("^copy\\s+readings\\b|idempotency_keys");
    private static final Pattern SHARED =
            Pattern.compile("txid_current\\(\\)|insert into dirty_buckets.*unnest\\(|^insert into write_log\\b");
    private static final Pattern JOB = Pattern.compile(
            "\\b(insert\\s+into|delete\\s+from|update|create\\s+table\\s+if\\s+not\\s+exists)\\s+"
                    + "(rollup_\\w+|silent_sensors|job_state|job_runs|dirty_buckets)\\b"
                    + "|from\\s+job_state\\s+where\\s+job\\s*=.*for\\s+update|pg_advisory|pg_try_advisory"
                    + "|statement_timeout");
    private static final Pattern MAINTENANCE = Pattern.compile("^delete\\s+from\\s+idempotency_keys");

    private record Wait(long queryStartMicros, long lastSample, long samples) {}

    /** Per pid: the start of its transaction last seen running a job statement. */
    private final Map<Integer, Long> jobTransactions = new HashMap<>();
    /** Per pid: the writer wait it was in at the last sample. */
    private final Map<Integer, Wait> waits = new HashMap<>();
    private long samples;
    private long writerWaitSamples;
    private long longestWriterWait;
    private long otherWaitSamples;
    private long longestJobTransactionMicros;

    static Kind classify(String query) {
        String q = query.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
        if (MAINTENANCE.matcher(q).find()) return Kind.OTHER;
        if (WRITER.matcher(q).find()) return Kind.WRITER;
        if (SHARED.matcher(q).find()) return Kind.SHARED;
        if (JOB.matcher(q).find()) return Kind.JOB;
        return Kind.OTHER;
    }

    /** One sample: every non-idle backend of the database, at {@code nowMicros} on the database's clock. */
    void observe(long nowMicros, List<Backend> backends) {
        samples++;
        for (Backend b : backends) {
            Kind kind = classify(b.query());
            if (kind == Kind.JOB) jobTransactions.put(b.pid(), b.xactStartMicros());
            boolean inJob = jobTransactions.getOrDefault(b.pid(), Long.MIN_VALUE) == b.xactStartMicros();
            if (inJob && b.xactStartMicros() > 0) {
                longestJobTransactionMicros = Math.max(longestJobTransactionMicros, nowMicros - b.xactStartMicros());
            }
            if (!b.waitingOnLock()) continue;
            boolean writer = kind == Kind.WRITER || kind == Kind.SHARED && !inJob;
            if (!writer) {
                if (kind == Kind.OTHER) otherWaitSamples++;
                continue;
            }
            writerWaitSamples++;
            Wait before = waits.get(b.pid());
            Wait now = before != null && before.lastSample() == samples - 1
                    && before.queryStartMicros() == b.queryStartMicros()
                    ? new Wait(b.queryStartMicros(), samples, before.samples() + 1)
                    : new Wait(b.queryStartMicros(), samples, 1);
            waits.put(b.pid(), now);
            longestWriterWait = Math.max(longestWriterWait, now.samples());
        }
    }

    Summary summary() {
        double interval = INTERVAL_MILLIS / 1000.0;
        return new Summary(samples, writerWaitSamples, writerWaitSamples * interval, longestWriterWait * interval,
                otherWaitSamples, longestJobTransactionMicros / 1e6);
    }
}
