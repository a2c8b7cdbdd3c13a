package io.tidemark.jobs;

import io.tidemark.config.Durations;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.postgresql.util.PSQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code job_state} rows of incremental jobs: registered when a catalog is loaded, reset when a job's definition
 * changes (it is then recomputed from the start of the data), removed with the job. Also answers freshness.
 */
final class JobStateStore {
    private static final Logger log = LoggerFactory.getLogger(JobStateStore.class);
    /** State that no node defining its job has vouched for in this long is removed at the next sync. */
    static final Duration FORGET_AFTER = Duration.ofDays(1);
    /** Serializes catalog syncs across instances. */
    private static final long SYNC_LOCK = 0x7469_6465_0002L;

    /**
     * An entry goes once it is visible in the cursor of every job reading its source; with no such job, at once (a
     * job created later starts from a snapshot that sees it). Visibility, not xid order: a cursor's xmin can be held
     * back by any long transaction on the server, however unrelated.
     */
    private static final String PURGE_WRITE_LOG = """
            DELETE FROM write_log w
            WHERE NOT EXISTS (SELECT 1 FROM job_state s
                              WHERE s.source = w.source AND NOT pg_visible_in_snapshot(w.xid, s.log_cursor))""";

    /**
     * Deletes the write log entries that every job reading their source has absorbed (all of them, for a source no
     * job reads); returns how many.
     */
    int purgeWriteLog() {
        return jdbi.withHandle(JobStateStore::purgeWriteLog);
    }

    static int purgeWriteLog(Handle h) {
        return h.createUpdate(PURGE_WRITE_LOG).execute();
    }

    /**
     * Vouches for the state of this node's jobs, so that nodes without them keep it; at most once per {@code every}.
     */
    void touch(Set<String> jobs, Duration every) {
        jdbi.useHandle(h -> touch(h, jobs, every));
    }

    private static void touch(Handle h, Set<String> jobs, Duration every) {
        h.createUpdate("UPDATE job_state SET seen_at = now() WHERE job = ANY(:jobs) AND seen_at <= now() - :every")
                .bindArray("jobs", String.class, jobs).bind("every", every).execute();
    }

    /** A job's freshness as stored: watermark, and the buckets waiting to be (re)computed below it. */
    record Freshness(Instant watermark, long dirtyBuckets, Instant oldestDirty) {}

    private final Jdbi jdbi;

    JobStateStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Makes job_state match the catalog's incremental jobs, and makes sure each job's target exists as a rollup table
     * with its {@code _v} view (creating them if need be), all in one transaction.
     *
     * @throws InvalidJobException naming the file and {@code target:} line of a job whose target cannot be a rollup
     *     table (nothing is changed then)
     */
    void sync(JobCatalog catalog, Instant now) {
        jdbi.useTransaction(h -> {
            h.execute("SELECT pg_advisory_xact_lock(?)", SYNC_LOCK);
            for (JobDefinition job : catalog.all()) {
                if (job.incremental()) ensureTarget(h, job);
            }
            Map<String, String> stored = h.createQuery("SELECT job, definition_hash FROM job_state")
                    .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            Set<String> wanted = catalog.all().stream().filter(JobDefinition::incremental)
                    .map(JobDefinition::name).collect(Collectors.toSet());
            for (String unknown : stored.keySet()) {
                if (wanted.contains(unknown)) continue;
                // Another node may run it: only state that no node has vouched for in a while is the job's remains.
                int removed = h.createUpdate("DELETE FROM job_state WHERE job = :job AND seen_at < now() - :forget")
                        .bind("job", unknown).bind("forget", FORGET_AFTER).execute();
                if (removed > 0) {
                    log.info("Job {} is defined on no node (none has kept it for {}); its state is removed", unknown,
                            Durations.format(FORGET_AFTER));
                } else {
                    log.info("Job {} is not defined here; its state is kept for the nodes that run it", unknown);
                }
            }
            touch(h, wanted, Duration.ZERO);
            Instant start = earliestData(h, now);
            for (JobDefinition job : catalog.all()) {
                if (!job.incremental()) continue;
                String hash = hash(job.stateIdentity());
                String old = stored.get(job.name());
                if (hash.equals(old)) continue;
                Instant watermark = floor(start, job.bucket());
                h.createUpdate("""
                                INSERT INTO job_state (job, source, target, bucket_width, watermark, definition_hash,
                                                       log_cursor)
                                VALUES (:job, :source, :target, :width, :watermark, :hash, pg_current_snapshot())
                                ON CONFLICT (job) DO UPDATE SET source = excluded.source, target = excluded.target,
                                    bucket_width = excluded.bucket_width, watermark = excluded.watermark,
                                    definition_hash = excluded.definition_hash, log_cursor = excluded.log_cursor,
                                    updated_at = now()""")
                        .bind("job", job.name())
                        .bind("source", job.source())
                        .bind("target", job.target())
                        .bind("width", job.bucket())
                        .bind("watermark", OffsetDateTime.ofInstant(watermark, ZoneOffset.UTC))
                        .bind("hash", hash)
                        .execute();
                h.execute("DELETE FROM dirty_buckets WHERE job = ?", job.name());
                if (old != null) log.info("Job {} changed; it is recomputed from {}", job.name(), watermark);
            }
        });
    }

    private static void ensureTarget(Handle h, JobDefinition job) {
        try {
            h.execute("SELECT tidemark_ensure_rollup(?)", job.target());
        } catch (UnableToExecuteStatementException e) {
            String problem = e.getCause() instanceof PSQLException p && p.getServerErrorMessage() != null
                    ? p.getServerErrorMessage().getMessage() : e.getMessage();
            throw new InvalidJobException(job.file(), job.targetLine(), "target " + job.target()
                    + " cannot be this job's rollup table: " + problem);
        }
    }

    Freshness freshness(String job) {
        return readFreshness(job).get(job);
    }

    /** Every incremental job's freshness, by job. */
    Map<String, Freshness> freshnessOfAll() {
        return readFreshness(null);
    }

    /** The freshness of {@code job}, or of every job when it is null. */
    private Map<String, Freshness> readFreshness(String job) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT s.job, s.watermark, count(d.bucket), min(d.bucket)
                        FROM job_state s LEFT JOIN job_pending_buckets d ON d.job = s.job
                        WHERE CAST(:job AS text) IS NULL OR s.job = :job
                        GROUP BY s.job, s.watermark""")
                .bind("job", job)
                .reduceRows(new HashMap<>(), (map, row) -> {
                    OffsetDateTime oldestDirty = row.getColumn(4, OffsetDateTime.class);
                    map.put(row.getColumn(1, String.class), new Freshness(
                            row.getColumn(2, OffsetDateTime.class).toInstant(), row.getColumn(3, Long.class),
                            oldestDirty == null ? null : oldestDirty.toInstant()));
                    return map;
                }));
    }

    /**
     * The oldest instant any job reading raw readings still has to materialize: partitions ending at or before it may
     * be dropped without losing rollup input. Null when no job reads raw readings.
     */
    Instant oldestNeededReading() {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT least(min(s.watermark), min(d.bucket))
                        FROM job_state s LEFT JOIN job_pending_buckets d ON d.job = s.job
                        WHERE s.source = 'readings'""")
                .map((rs, ctx) -> rs.getObject(1, OffsetDateTime.class))
                .findOne().map(OffsetDateTime::toInstant).orElse(null));
    }

    /** Start of the earliest readings partition: where new jobs begin, so they cover all data. */
    private static Instant earliestData(Handle h, Instant now) {
        return SourceData.readingsPartitions(h).stream().map(SourceData.Span::from).findFirst()
                .filter(start -> start.isBefore(now)).orElse(now);
    }

    static Instant floor(Instant t, Duration width) {
        long w = width.toSeconds();
        return Instant.ofEpochSecond(Math.floorDiv(t.getEpochSecond(), w) * w);
    }

    private static String hash(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
