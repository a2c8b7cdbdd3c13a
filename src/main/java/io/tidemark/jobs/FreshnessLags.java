package io.tidemark.jobs;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tidemark_job_freshness_lag_seconds{job_name}}: how far behind now each incremental job's oldest
 * unmaterialized data is, computed when scraped, so it grows while a job stalls and is a number before a job's first
 * run (its watermark then is the start of the data, or the moment the job was loaded when there was none).
 *
 * <p>One query reads every job's freshness at most once per {@link #REFRESH}, however many gauges a scrape reads;
 * when the database cannot answer, the last freshness read is kept and its lag still grows with the clock.
 * Thread-safe.
 */
final class FreshnessLags {
    private static final Logger log = LoggerFactory.getLogger(FreshnessLags.class);
    static final String METRIC = "tidemark.job.freshness.lag";
    private static final Duration REFRESH = Duration.ofSeconds(1);
    private final JobStateStore states;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Map<String, Gauge> gauges = new ConcurrentHashMap<>();
    private volatile Map<String, JobStateStore.Freshness> last = Map.of();
    private long refreshedAtNanos = System.nanoTime() - REFRESH.toNanos();

    FreshnessLags(JobStateStore states, Clock clock, MeterRegistry registry) {
        this.states = states;
        this.clock = clock;
        this.registry = registry;
    }

    /** How far behind {@code now} the oldest data a job has yet to materialize is: watermark or oldest dirty bucket. */
    static double lagSeconds(JobStateStore.Freshness f, Instant now) {
        Instant oldest = f.oldestDirty() != null && f.oldestDirty().isBefore(f.watermark())
                ? f.oldestDirty() : f.watermark();
        return Duration.between(oldest, now).toMillis() / 1000.0;
    }

    /** Gauges exactly the given jobs: adds the new ones, removes those no longer loaded. */
    void track(Collection<JobDefinition> jobs) {
        Set<String> names = jobs.stream().filter(JobDefinition::incremental).map(JobDefinition::name)
                .collect(Collectors.toSet());
        gauges.entrySet().removeIf(entry -> {
            if (names.contains(entry.getKey())) return false;
            registry.remove(entry.getValue());
            return true;
        });
        for (String name : names) {
            gauges.computeIfAbsent(name, n -> Gauge.builder(METRIC, this, lags -> lags.lagSeconds(n))
                    .description("Seconds between now and the oldest data the job has not materialized")
                    .baseUnit("seconds").tag("job_name", n).register(registry));
        }
        synchronized (this) {
            refreshedAtNanos = System.nanoTime() - REFRESH.toNanos(); // a changed job's state is read afresh
        }
    }

    private double lagSeconds(String job) {
        JobStateStore.Freshness f = freshness().get(job);
        return f == null ? Double.NaN : lagSeconds(f, clock.instant());
    }

    private synchronized Map<String, JobStateStore.Freshness> freshness() {
        if (System.nanoTime() - refreshedAtNanos < REFRESH.toNanos()) return last;
        refreshedAtNanos = System.nanoTime();
        try {
            last = states.freshnessOfAll();
        } catch (RuntimeException e) {
            // The database is away (health and ingest say so); the lag keeps growing from what was read last.
            log.debug("Job freshness not read: {}", e.getMessage());
        }
        return last;
    }
}
