package io.tidemark.jobs;

import io.tidemark.config.JobsConfig;
import io.tidemark.retry.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires each job on its schedule. A job is never run twice at once (its next firing is planned only when its current
 * run ends, and the run lock guards across instances); a failed run is retried with capped exponential backoff and
 * jitter until it succeeds, then the job returns to its schedule. An incremental job that is still behind after a
 * run (a backlog larger than one run may take) runs again at once.
 *
 * <p>Each run is fired for a slot of its schedule, recorded with the run: a job's next slot is the first after the
 * newest slot it ran for (on any instance, before any restart), so a restart or a reload never pushes a job back,
 * and slots missed while no server ran are caught up by one run at once, not one per missed slot.
 */
final class JobScheduler {
    private static final Logger log = LoggerFactory.getLogger(JobScheduler.class);

    /** Runs a job for schedule slot {@code slot}, reporting whether it has more to do right away; throws on failure. */
    interface Work {
        boolean run(String job, RunTrigger trigger, Instant slot);
    }

    private final JobsConfig config;
    private final Clock clock;
    private final Work work;
    private final ScheduledExecutorService timer;
    private final Map<String, Planned> planned = new ConcurrentHashMap<>();
    private final AtomicInteger generation = new AtomicInteger();

    /** A job's next firing. */
    private record Planned(ScheduledFuture<?> future, Instant at) {}

    JobScheduler(JobsConfig config, Clock clock, Work work) {
        this.config = config;
        this.clock = clock;
        this.work = work;
        AtomicInteger n = new AtomicInteger();
        this.timer = Executors.newScheduledThreadPool(config.threads(), r -> {
            Thread t = new Thread(r, "tidemark-job-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Replaces the planned jobs with {@code schedules} (job name to schedule); runs already going finish. {@code
     * lastSlots} holds the newest slot each job ran for (none for a job that never ran on a schedule): its next
     * slot is the one after, or, if that has passed, now.
     */
    void plan(Map<String, Schedule> schedules, Map<String, Instant> lastSlots) {
        int gen = generation.incrementAndGet();
        planned.values().forEach(p -> p.future.cancel(false));
        planned.clear();
        Instant now = clock.instant();
        schedules.forEach((job, schedule) -> {
            Instant last = lastSlots.get(job);
            planAt(job, schedule, schedule.next(last == null ? now : last), 0, RunTrigger.SCHEDULE, gen);
        });
    }

    /** When each job fires next (absent when not planned). */
    Instant nextRun(String job) {
        Planned p = planned.get(job);
        return p == null ? null : p.at;
    }

    void stop() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void planAt(String job, Schedule schedule, Instant at, int failures, RunTrigger trigger, int gen) {
        if (gen != generation.get() || timer.isShutdown()) return;
        long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
        try {
            ScheduledFuture<?> future = timer.schedule(() -> fire(job, schedule, at, failures, trigger, gen), delay,
                    TimeUnit.MILLISECONDS);
            planned.put(job, new Planned(future, at));
        } catch (RejectedExecutionException e) {
            log.debug("Not planning job {}: the scheduler is stopping", job);
        }
    }

    /** Runs {@code job} for {@code slot}, the time it was planned for. */
    private void fire(String job, Schedule schedule, Instant slot, int failures, RunTrigger trigger, int gen) {
        if (gen != generation.get()) return;
        Instant next;
        int nextFailures;
        RunTrigger nextTrigger = RunTrigger.SCHEDULE;
        try {
            boolean behind = work.run(job, trigger, slot);
            nextFailures = 0;
            next = behind ? clock.instant() : schedule.next(clock.instant());
        } catch (JobBusyException e) {
            nextFailures = failures;
            next = schedule.next(clock.instant());
        } catch (RuntimeException e) {
            nextFailures = failures + 1;
            Duration backoff = backoff(nextFailures);
            log.warn("Job {} failed ({} in a row); retrying in {} s: {}", job, nextFailures, backoff.toSeconds(),
                    e.getMessage());
            next = clock.instant().plus(backoff);
            nextTrigger = RunTrigger.RETRY;
        }
        planAt(job, schedule, next, nextFailures, nextTrigger, gen);
    }

    /** retry_initial doubled per failure in a row, capped at retry_max, with jitter ({@link Backoff}). */
    Duration backoff(int failures) {
        return Backoff.afterFailures(failures, config.retryInitial(), config.retryMax());
    }
}
