package io.tidemark.storage;

import io.tidemark.config.PartitionConfig;
import io.tidemark.time.EpochMicros;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the time partitions of {@code readings}: ahead of time, and on demand before a batch is copied.
 *
 * <p>Partition {@code p} covers {@code [start, start + interval)}, starts aligned to multiples of the interval since
 * the Unix epoch (UTC). Creation is serialized across server instances by an advisory lock. Thread-safe.
 */
public final class PartitionManager {
    private static final Logger log = LoggerFactory.getLogger(PartitionManager.class);
    private static final long ADVISORY_LOCK = 0x7469_6465_0001L; // "tide" + 1: partition DDL
    /** How long retention waits for its lock on readings before leaving the drop to the next round. */
    private static final Duration DROP_LOCK_TIMEOUT = Duration.ofSeconds(1);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HOUR =
            DateTimeFormatter.ofPattern("yyyyMMdd'_'HHmm").withZone(ZoneOffset.UTC);

    private final Jdbi jdbi;
    private final long intervalMicros;
    private final boolean wholeDays;
    private final int premake;
    /** Starts (epoch micros) of partitions known to exist; only grows, except when retention drops one. */
    private final Set<Long> known = ConcurrentHashMap.newKeySet();

    public PartitionManager(Jdbi jdbi, PartitionConfig config) {
        this.jdbi = jdbi;
        this.intervalMicros = config.interval().toSeconds() * EpochMicros.PER_SECOND;
        this.wholeDays = config.interval().toSeconds() % 86_400 == 0;
        this.premake = config.premake();
    }

    /** Start (epoch micros) of the partition that holds {@code tsMicros}. */
    public long partitionStart(long tsMicros) {
        return Math.floorDiv(tsMicros, intervalMicros) * intervalMicros;
    }

    /** Makes sure partitions exist for every timestamp in {@code [minMicros, maxMicros]}, however long that waits. */
    public void ensureCovered(long minMicros, long maxMicros) {
        ensureCovered(minMicros, maxMicros, null);
    }

    /**
     * Makes sure partitions exist for every timestamp in {@code [minMicros, maxMicros]}, waiting at most
     * {@code waitBudget} for a lock (another instance making partitions, a lock held on {@code readings}); beyond it
     * PostgreSQL gives up with 55P03 ({@link SqlErrors#isTimeout}) and nothing is made. A null budget waits as long as
     * it takes.
     */
    public void ensureCovered(long minMicros, long maxMicros, Duration waitBudget) {
        List<Long> missing = null;
        for (long start = partitionStart(minMicros); start <= maxMicros; start += intervalMicros) {
            if (!known.contains(start)) {
                if (missing == null) missing = new ArrayList<>();
                missing.add(start);
            }
        }
        if (missing != null) create(missing, waitBudget);
    }

    /** How many partitions hold the timestamps {@code [minMicros, maxMicros]}, existing or not. */
    public long partitionsBetween(long minMicros, long maxMicros) {
        return (partitionStart(maxMicros) - partitionStart(minMicros)) / intervalMicros + 1;
    }

    /**
     * Makes sure the partitions starting at {@code starts} (each a {@link #partitionStart}) exist, waiting for locks
     * as {@link #ensureCovered(long, long, Duration)} does.
     */
    public void ensureExist(Collection<Long> starts, Duration waitBudget) {
        List<Long> missing = starts.stream().filter(s -> !known.contains(s)).toList();
        if (!missing.isEmpty()) create(missing, waitBudget);
    }

    /** Creates the partition for now and {@code premake} intervals ahead; called at start-up and by maintenance. */
    public void premake(Instant now) {
        long nowMicros = EpochMicros.of(now);
        ensureCovered(nowMicros, partitionStart(nowMicros) + premake * intervalMicros);
    }

    /**
     * Drops whole partitions that end at or before {@code cutoff}, and the {@code latest} rows of series whose every
     * reading went with them; returns the partitions' names. Dropping a partition takes an ACCESS EXCLUSIVE lock on
     * {@code readings}, and a lock request waiting behind a long transaction would make every writer queue behind it:
     * so it waits at most {@link #DROP_LOCK_TIMEOUT}, and otherwise gives up until the next maintenance round (the
     * failure is logged there).
     */
    public List<String> dropEndingBefore(Instant cutoff) {
        long cutoffMicros = EpochMicros.of(cutoff);
        List<String> dropped = new ArrayList<>();
        jdbi.useTransaction(h -> {
            h.execute("SELECT pg_advisory_xact_lock(?)", ADVISORY_LOCK);
            boundLockWaits(h, DROP_LOCK_TIMEOUT);
            for (String name : existingNames(h)) {
                Long start = parseStart(name);
                if (start != null && start + intervalMicros <= cutoffMicros) {
                    h.execute("DROP TABLE " + Database.quoteIdentifier(name));
                    known.remove(start);
                    dropped.add(name);
                }
            }
            // Every partition before the one holding the cutoff is gone: so are the readings of series whose newest
            // reading was there. latest forgets them too, in this transaction (retention keeps no value).
            if (!dropped.isEmpty()) LatestValues.forgetOlderThan(h, partitionStart(cutoffMicros));
        });
        if (!dropped.isEmpty()) log.info("Retention dropped partitions {}", dropped);
        return dropped;
    }

    /** Reads the partitions that exist now, e.g. after start-up or after another instance created some. */
    public void refresh() {
        jdbi.useHandle(h -> existingNames(h).forEach(name -> {
            Long start = parseStart(name);
            if (start != null) known.add(start);
        }));
    }

    String partitionName(long startMicros) {
        Instant start = EpochMicros.toInstant(startMicros);
        return "readings_" + (wholeDays ? DAY.format(start) : HOUR.format(start));
    }

    private Long parseStart(String name) {
        try {
            String suffix = name.substring("readings_".length());
            DateTimeFormatter format = suffix.length() == 8 ? DAY : HOUR;
            var parsed = format.parse(suffix);
            long epochSecond = suffix.length() == 8
                    ? java.time.LocalDate.from(parsed).atStartOfDay(ZoneOffset.UTC).toEpochSecond()
                    : java.time.LocalDateTime.from(parsed).toEpochSecond(ZoneOffset.UTC);
            return epochSecond * EpochMicros.PER_SECOND;
        } catch (RuntimeException e) {
            return null; // not one of ours
        }
    }

    /** Every lock the rest of the transaction waits for, advisory ones too, it waits for at most {@code limit}. */
    private static void boundLockWaits(Handle h, Duration limit) {
        h.execute("SELECT set_config('lock_timeout', ?, true)", Math.max(1, limit.toMillis()) + "ms");
    }

    private static List<String> existingNames(Handle h) {
        return h.createQuery("""
                        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                        WHERE i.inhparent = 'readings'::regclass ORDER BY c.relname""")
                .mapTo(String.class).list();
    }

    /**
     * Creates the partitions, as a table of their own attached to {@code readings}: {@code CREATE TABLE ... PARTITION
     * OF} would take an ACCESS EXCLUSIVE lock on {@code readings}, waiting for every transaction reading it (a long
     * job run, a user's query) while every writer queued behind it; {@code ATTACH PARTITION} takes SHARE UPDATE
     * EXCLUSIVE, which reads and writes of {@code readings} do not conflict with. Both run in one transaction, so a
     * table is never left unattached.
     */
    private void create(List<Long> starts, Duration waitBudget) {
        jdbi.useTransaction(h -> {
            if (waitBudget != null) boundLockWaits(h, waitBudget);
            h.execute("SELECT pg_advisory_xact_lock(?)", ADVISORY_LOCK);
            List<String> attached = existingNames(h);
            for (long start : starts) {
                String name = partitionName(start);
                if (attached.contains(name)) continue; // another instance made it meanwhile
                // Bounds and name derive from a number, never from request text.
                h.execute("CREATE TABLE " + name + " (LIKE readings INCLUDING DEFAULTS INCLUDING CONSTRAINTS)");
                h.execute("ALTER TABLE readings ATTACH PARTITION " + name + " FOR VALUES FROM ('"
                        + EpochMicros.toInstant(start) + "') TO ('" + EpochMicros.toInstant(start + intervalMicros)
                        + "')");
            }
        });
        known.addAll(starts);
        log.debug("Ensured partitions {}", starts.stream().map(this::partitionName).toList());
    }
}
