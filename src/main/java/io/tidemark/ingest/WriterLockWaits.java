package io.tidemark.ingest;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches for what the write path must not do: wait on a lock. Each {@link #sample()} counts the backends of this
 * database running a writer statement while waiting on a lock ({@code pg_stat_activity}); the time found waiting adds
 * up in {@code tidemark_ingest_lock_wait_seconds_total}, by the kind of lock (samples times the interval, so it
 * resolves waits down to about one interval). {@code extend} is writers taking turns to grow a table, brief and
 * expected under load; any other kind means something holds locks that writers need (a job used to: see WriteLog).
 */
public final class WriterLockWaits {
    private static final Logger log = LoggerFactory.getLogger(WriterLockWaits.class);
    /** The statements of a writer's transaction, by their first words (BatchTransaction, IdempotencyKeys, WriteLog). */
    private static final String SAMPLE = """
            SELECT wait_event, count(*) FROM pg_stat_activity
            WHERE datname = current_database() AND state = 'active' AND wait_event_type = 'Lock'
              AND (query LIKE 'COPY readings %' OR query LIKE 'INSERT INTO write_log %'
                   OR query LIKE 'INSERT INTO idempotency_keys %' OR query LIKE 'SELECT key, request_hash, %')
            GROUP BY wait_event""";

    private final Jdbi jdbi;
    private final MeterRegistry registry;
    private final double intervalSeconds;
    private final Map<String, DoubleAdder> waitedByLock = new ConcurrentHashMap<>();
    private final AtomicInteger waitingNow = new AtomicInteger();

    public WriterLockWaits(Jdbi jdbi, Duration interval, MeterRegistry registry) {
        this.jdbi = jdbi;
        this.registry = registry;
        this.intervalSeconds = interval.toNanos() / 1e9;
        Gauge.builder("tidemark.ingest.lock.waiting", waitingNow, AtomicInteger::get)
                .description("Writer statements waiting on a lock at the last sample").register(registry);
    }

    /** Takes one sample; call every interval. A lost database is not this class's to report: it only logs at debug. */
    public void sample() {
        try {
            Map<String, Integer> waiting = jdbi.withHandle(h -> h.createQuery(SAMPLE)
                    .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getInt(2)))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
            waitingNow.set(waiting.values().stream().mapToInt(Integer::intValue).sum());
            waiting.forEach((lock, backends) -> waited(lock).add(backends * intervalSeconds));
        } catch (RuntimeException e) {
            log.debug("Could not sample writer lock waits: {}", e.getMessage());
        }
    }

    private DoubleAdder waited(String lock) {
        return waitedByLock.computeIfAbsent(lock, l -> {
            DoubleAdder adder = new DoubleAdder();
            FunctionCounter.builder("tidemark.ingest.lock.wait", adder, DoubleAdder::sum).baseUnit("seconds")
                    .tag("lock", l).description("Time writer statements were found waiting on a lock (sampled)")
                    .register(registry);
            return adder;
        });
    }
}
