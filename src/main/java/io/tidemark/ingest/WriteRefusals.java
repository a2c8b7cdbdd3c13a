package io.tidemark.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tidemark.storage.DatabaseOutOfResourcesException;
import io.tidemark.storage.ResourceShortage;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes refused while PostgreSQL is out of disk space or memory: one WARN line when the condition starts, one INFO
 * line with the count when a batch commits again, nothing per request (a full disk refuses thousands a minute, and a
 * log on the same disk would only make it worse). Counted in {@code tidemark_ingest_refused_total{reason}}; while it
 * lasts, {@code tidemark_ingest_out_of_resources} is 1 and {@link #current()} tells {@code /health}. Thread-safe.
 */
final class WriteRefusals {
    private static final Logger log = LoggerFactory.getLogger(WriteRefusals.class);

    private final Clock clock;
    private final Map<ResourceShortage, Counter> refused = new EnumMap<>(ResourceShortage.class);
    private volatile WriteRefusal current;

    WriteRefusals(Clock clock, MeterRegistry registry) {
        this.clock = clock;
        for (ResourceShortage s : ResourceShortage.values()) {
            // Registered at zero, so that rate() and alerts see the series before the first refusal.
            refused.put(s, Counter.builder("tidemark.ingest.refused").tag("reason", s.reason())
                    .description("Write requests refused because PostgreSQL is out of disk space or memory")
                    .register(registry));
        }
        Gauge.builder("tidemark.ingest.out.of.resources", this, r -> r.current == null ? 0 : 1)
                .description("1 while writes are refused because PostgreSQL is out of disk space or memory")
                .register(registry);
    }

    /**
     * Counts {@code requests} refused for {@code shortage} and returns the exception to answer them with; logs the
     * condition if it starts now. {@code detail} is PostgreSQL's message, for the log only.
     */
    synchronized DatabaseOutOfResourcesException refuse(ResourceShortage shortage, String detail, int requests) {
        refused.get(shortage).increment(requests);
        if (current == null) {
            current = new WriteRefusal(shortage, clock.instant(), requests);
            // PostgreSQL's first line says what it could not do; its hint and context lines would only break the line.
            log.warn("{}: {}; refusing writes with 503 until a write succeeds again", shortage.describe(),
                    detail == null ? "" : detail.lines().findFirst().orElse(""));
        } else {
            current = new WriteRefusal(current.shortage(), current.since(), current.refusedRequests() + requests);
        }
        return new DatabaseOutOfResourcesException(shortage);
    }

    /** A batch committed: if writes were being refused, that is over. Cheap when they were not. */
    void committed() {
        if (current == null) return;
        WriteRefusal ended;
        synchronized (this) {
            ended = current;
            if (ended == null) return;
            current = null;
        }
        double seconds = Duration.between(ended.since(), clock.instant()).toMillis() / 1000.0;
        log.info("Writes succeed again after {} s refused for {} (SQLSTATE {}); {} requests were refused meanwhile",
                String.format(Locale.ROOT, "%.1f", seconds), ended.shortage().reason(), ended.shortage().sqlState(),
                ended.refusedRequests());
    }

    Optional<WriteRefusal> current() {
        return Optional.ofNullable(current);
    }
}
