package io.tidemark.alerts;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tidemark.retry.Backoff;
import io.tidemark.storage.SqlErrors;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes alert events to the {@code alerts} table on a thread of its own, then hands each to the stream and the
 * webhook, so that whoever hears of an alert can find its row.
 *
 * <p>{@link #accept} never blocks: events wait in a bounded queue and are dropped (counted, logged) when it is full.
 * A write that fails because the database is unreachable is retried with backoff until it succeeds or the store is
 * stopped; writes are idempotent (insert by id, resolve only an open row), so a retry after an unknown outcome is
 * safe. Events still queued when the process is killed are lost: a lost firing means the excursion is not in the
 * table (it fires afresh after a restart if it lasts); a lost resolving leaves the row open until the alert is resumed
 * at the next start-up and resolves on the next reading that clears it.
 */
final class AlertStore implements Consumer<AlertEvent> {
    private static final Logger log = LoggerFactory.getLogger(AlertStore.class);
    private static final int MAX_BATCH = 500;
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration MAX_RETRY = Duration.ofSeconds(5);

    private static final String SUPERSEDE = """
            UPDATE alerts SET resolved_at = :now, resolution = 'superseded'
            WHERE rule = :rule AND series_id = :series_id AND resolved_at IS NULL AND id <> :id""";
    private static final String INSERT = """
            INSERT INTO alerts (id, rule, series_id, severity, message, ts, value, fired_at)
            VALUES (:id, :rule, :series_id, :severity, :message, :ts, :value, :fired_at)
            ON CONFLICT (id) DO NOTHING""";
    private static final String RESOLVE = """
            UPDATE alerts SET resolved_at = :resolved_at, resolution = :resolution, resolved_ts = :resolved_ts,
                              resolved_value = :resolved_value
            WHERE id = :id AND resolved_at IS NULL""";
    private static final String OPEN = AlertRows.SELECT + " WHERE a.resolved_at IS NULL";

    private final Jdbi jdbi;
    private final Clock clock;
    private final DroppingQueue queue;
    private final List<Consumer<AlertEvent>> afterStore;
    private final Counter dropped;
    private final Counter retries;
    private final Thread thread = new Thread(this::run, "tidemark-alert-store");
    private volatile boolean running = true;
    /** System.nanoTime() by which a stopping store gives up retrying; read only once {@code running} is false. */
    private volatile long stopDeadline;

    AlertStore(Jdbi jdbi, int capacity, List<Consumer<AlertEvent>> afterStore, Clock clock, MeterRegistry registry) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.afterStore = List.copyOf(afterStore);
        this.dropped = Counter.builder("tidemark.alerts.dropped")
                .description("Alert events not stored: the store queue was full, or the write failed for good")
                .register(registry);
        this.queue = new DroppingQueue(capacity, "Alert store", "alerts.queue_capacity", dropped, log);
        this.retries = Counter.builder("tidemark.alerts.store.retries")
                .description("Alert writes retried after a database failure").register(registry);
        Gauge.builder("tidemark.alerts.store.queue", queue, DroppingQueue::size)
                .description("Alert events waiting to be stored").register(registry);
        thread.setDaemon(true);
    }

    /** Alerts left open by an earlier run, with their series' names. */
    List<Alert> loadOpen() {
        return jdbi.withHandle(h -> h.createQuery(OPEN).map(AlertRows.MAPPER).list());
    }

    /** Resolves alerts whose rule was retired (or no longer applies to their series). */
    void resolveRuleRemoved(List<Alert> alerts) {
        if (alerts.isEmpty()) return;
        jdbi.useTransaction(h -> {
            for (Alert a : alerts) {
                resolve(h, a.id(), clock.instant().truncatedTo(ChronoUnit.MICROS), Alert.RULE_REMOVED, null, null);
            }
        });
        log.info("Resolved {} open alerts whose rule was retired or no longer covers their series: {}", alerts.size(),
                alerts.stream().map(a -> a.rule() + " on " + a.sensor() + "/" + a.metric()).toList());
    }

    void start() {
        thread.start();
    }

    /** Queues an event for storing; never blocks (drops and counts when the queue is full). */
    @Override
    public void accept(AlertEvent event) {
        queue.offer(event);
    }

    /** Stores what is queued, retrying for at most {@code timeout}, then stops. */
    void stop(Duration timeout) throws InterruptedException {
        stopDeadline = System.nanoTime() + timeout.toNanos();
        running = false;
        thread.join(Math.max(1, timeout.toMillis() + POLL.toMillis()));
        if (thread.isAlive()) thread.interrupt();
        if (!queue.isEmpty()) log.warn("Stopped with {} alert events not stored", queue.size());
    }

    private void run() {
        List<AlertEvent> batch = new ArrayList<>();
        while (true) {
            AlertEvent first;
            try {
                first = queue.poll(POLL);
            } catch (InterruptedException e) {
                return;
            }
            if (first == null) {
                if (!running) return;
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH - 1);
            if (!write(batch)) return;
            batch.clear();
        }
    }

    /** Writes a batch, then passes it on; false if the store was stopped before the batch could be written. */
    private boolean write(List<AlertEvent> batch) {
        Backoff backoff = new Backoff(FIRST_RETRY, MAX_RETRY);
        while (true) {
            try {
                jdbi.useTransaction(h -> {
                    for (AlertEvent e : batch) write(h, e);
                });
                break;
            } catch (RuntimeException e) {
                if (!SqlErrors.isRetriable(e)) {
                    if (batch.size() > 1) {
                        log.warn("Writing {} alert events failed ({}); writing them one by one", batch.size(),
                                e.toString());
                        for (AlertEvent one : batch) {
                            if (!write(List.of(one))) return false;
                        }
                    } else {
                        dropped.increment();
                        log.error("Alert event could not be stored and is dropped: {}", batch.get(0), e);
                    }
                    return true;
                }
                long wait = backoff.nextMillis();
                if (!running && System.nanoTime() + wait * 1_000_000 - stopDeadline > 0) {
                    log.error("Database unavailable while stopping; {} alert events not stored", batch.size(), e);
                    return false;
                }
                retries.increment();
                log.warn("Storing {} alert events failed ({}); retrying in {} ms", batch.size(), e.getMessage(), wait);
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException interrupted) {
                    return false;
                }
            }
        }
        for (AlertEvent e : batch) {
            for (Consumer<AlertEvent> next : afterStore) {
                try {
                    next.accept(e);
                } catch (RuntimeException failure) {
                    log.error("Passing stored alert {} to {} failed", e.alert().id(), next, failure);
                }
            }
        }
        return true;
    }

    private void write(Handle h, AlertEvent event) {
        Alert a = event.alert();
        if (event.kind() == AlertEvent.Kind.FIRED) {
            // Only a lost resolving leaves an older row open; close it so the table keeps one open alert per rule and
            // series.
            h.createUpdate(SUPERSEDE).bind("now", AlertRows.utc(a.firedAt())).bind("rule", a.rule())
                    .bind("series_id", a.seriesId()).bind("id", a.id()).execute();
            h.createUpdate(INSERT).bind("id", a.id()).bind("rule", a.rule()).bind("series_id", a.seriesId())
                    .bind("severity", a.severity()).bind("message", a.message()).bind("ts", AlertRows.utc(a.ts()))
                    .bind("value", a.value()).bind("fired_at", AlertRows.utc(a.firedAt())).execute();
        } else {
            int updated = resolve(h, a.id(), a.resolvedAt(), a.resolution(), a.resolvedTs(), a.resolvedValue());
            if (updated == 0) log.warn("Resolved alert {} was not open in the table (its firing was lost?)", a.id());
        }
    }

    private static int resolve(Handle h, UUID id, Instant at, String resolution, Instant ts, Double value) {
        return h.createUpdate(RESOLVE).bind("id", id).bind("resolved_at", AlertRows.utc(at))
                .bind("resolution", resolution)
                .bindByType("resolved_ts", ts == null ? null : AlertRows.utc(ts), OffsetDateTime.class)
                .bindByType("resolved_value", value, Double.class)
                .execute();
    }
}
