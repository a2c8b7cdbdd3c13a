package io.tidemark.jobs;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tidemark.config.Durations;
import io.tidemark.config.JobsConfig;
import io.tidemark.storage.SqlErrors;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch job engine's front: loads the jobs folder, keeps job state in step with it, schedules runs, and serves
 * the admin API (list, history, run now or backfill, reload).
 */
public final class JobService {
    private static final Logger log = LoggerFactory.getLogger(JobService.class);
    /** How long stopping waits for running backfills to end their current batch. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);
    /** How often a node vouches for its jobs' state (see JobStateStore.FORGET_AFTER). */
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    private final JobsConfig config;
    private final Jdbi jdbi;
    private final Clock clock;
    private final MeterRegistry registry;
    private final JobStateStore states;
    private final JobRuns runs;
    private final JobRunner runner;
    private final JobScheduler scheduler;
    private final FreshnessLags freshnessLags;
    /** Runs backfills, one thread each; a job's run lock allows one backfill of it at a time. */
    private final ExecutorService backfills;
    private volatile boolean stopping;
    private volatile JobCatalog catalog = JobCatalog.empty();

    public JobService(Jdbi jdbi, JobsConfig config, Clock clock, MeterRegistry registry) {
        this.config = config;
        this.jdbi = jdbi;
        this.clock = clock;
        this.registry = registry;
        String instance = ManagementFactory.getRuntimeMXBean().getName() + "/"
                + UUID.randomUUID().toString().substring(0, 8);
        this.states = new JobStateStore(jdbi);
        this.runs = new JobRuns(jdbi, instance, config.historyPerJob());
        this.runner = new JobRunner(jdbi, runs, clock, new TransactionTimes(registry));
        this.scheduler = new JobScheduler(config, clock, this::runScheduled);
        this.freshnessLags = new FreshnessLags(states, clock, registry);
        AtomicInteger n = new AtomicInteger();
        this.backfills = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "tidemark-backfill-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Loads the jobs folder and, if {@code jobs.enabled}, starts the schedules. A missing folder is a warning, not a
     * failure: ingest works without jobs.
     *
     * @throws InvalidJobException if a job file is invalid (start-up fails, naming file and line)
     */
    public void start() {
        Path folder = Path.of(config.path());
        if (!java.nio.file.Files.isDirectory(folder)) {
            // A server started away from its jobs folder still takes readings; reload once the folder is there.
            log.warn("Jobs folder {} does not exist (jobs.path, relative to {}): no jobs are loaded", folder,
                    Path.of("").toAbsolutePath());
            install(JobCatalog.empty());
            return;
        }
        install(JobCatalog.load(folder));
    }

    /**
     * Re-reads the jobs folder. An invalid folder changes nothing: the jobs loaded before keep running.
     *
     * @return the names of the jobs now loaded
     * @throws InvalidJobException naming the file, line and problem
     */
    public List<String> reload() {
        install(JobCatalog.load(Path.of(config.path())));
        return new ArrayList<>(catalog.all().stream().map(JobDefinition::name).toList());
    }

    /** Stops the schedules, and running backfills after their current batch (their rest stays marked dirty). */
    public void stop() {
        stopping = true;
        scheduler.stop();
        backfills.shutdown();
        try {
            if (!backfills.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) backfills.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public List<JobStatus> list() {
        List<JobStatus> statuses = new ArrayList<>();
        for (JobDefinition job : catalog.all()) statuses.add(status(job));
        return statuses;
    }

    public JobStatus status(String name) {
        return status(job(name));
    }

    public List<JobRun> runs(String name, int limit) {
        job(name);
        return runs.recent(name, limit);
    }

    /**
     * Runs a job now and waits for it; {@code requestedBy} names who asked (recorded in {@code job_runs}).
     *
     * @throws JobBusyException if it is running already
     */
    public JobRun runNow(String name, String requestedBy) {
        JobDefinition job = job(name);
        JobRun run = runner.run(job, catalog, RunTrigger.ADMIN, null, requestedBy);
        afterRun(job, run);
        return run;
    }

    /**
     * Starts recomputing [from, to) and returns the run at once, still {@code running}: an incremental job
     * recomputes every bucket of the range where its source can hold data, {@code max_buckets} per transaction,
     * its progress in {@code job_runs}; a plain job runs once with the range as its window. Follow it with
     * {@link #run(String, long)}. {@code requestedBy} names who asked (recorded in {@code job_runs}).
     *
     * @throws InvalidBackfillException if the range lies before the oldest data or past where data can exist yet
     * @throws JobBusyException if the job is running (a backfill included)
     */
    public JobRun backfill(String name, Instant from, Instant to, String requestedBy) {
        JobDefinition job = job(name);
        JobRunner.Backfill range = jdbi.withHandle(h -> BackfillRanges.check(h, job, from, to));
        return runner.startBackfill(job, catalog, range, backfills, () -> stopping, requestedBy,
                run -> afterRun(job, run));
    }

    /** One run of a job, by id. */
    public Optional<JobRun> run(String name, long id) {
        job(name);
        return runs.get(id).filter(r -> r.job().equals(name));
    }

    /**
     * The oldest instant a job reading raw readings has still to materialize; raw partitions ending at or before it
     * may be dropped. Null when no job reads raw readings.
     */
    public Instant oldestNeededReading() {
        return states.oldestNeededReading();
    }

    /**
     * Absorbs the write log into every incremental job that is not running (runs absorb it themselves), then deletes
     * the entries every job has absorbed (or, for sources no job reads, all). Between runs, and with jobs switched
     * off on this instance, this keeps the log as short as a few seconds of ingest.
     */
    public void absorbWriteLogs() {
        JobCatalog jobs = catalog;
        try {
            Set<String> incremental = new HashSet<>();
            for (JobDefinition job : jobs.all()) {
                if (!job.incremental()) continue;
                runner.absorb(job, jobs);
                incremental.add(job.name());
            }
            states.touch(incremental, TOUCH_EVERY);
            states.purgeWriteLog();
        } catch (RuntimeException e) {
            if (!SqlErrors.isRetriable(e)) throw e;
            // The database is away: ingest and health say so; this runs again in a few seconds.
            log.debug("Write log not absorbed: {}", e.getMessage());
        }
    }

    private boolean runScheduled(String name, RunTrigger trigger, Instant slot) {
        JobDefinition job = catalog.get(name).orElse(null);
        if (job == null) return false;
        JobRun run = runner.run(job, catalog, trigger, slot, null);
        afterRun(job, run);
        if (!run.succeeded()) throw new JobRunFailedException(run);
        return job.incremental() && run.buckets() != null && run.buckets() >= JobDefinition.MAX_ADVANCE_BUCKETS;
    }

    private void afterRun(JobDefinition job, JobRun run) {
        Timer.builder("tidemark.job.runs").description("Job runs by job and outcome")
                .tag("job_name", job.name()).tag("status", run.status())
                .publishPercentileHistogram().register(registry)
                .record(Duration.between(run.startedAt(),
                        run.finishedAt() == null ? clock.instant() : run.finishedAt()));
    }

    private void install(JobCatalog loaded) {
        states.sync(loaded, clock.instant());
        this.catalog = loaded;
        Map<String, Schedule> schedules = new LinkedHashMap<>();
        for (JobDefinition job : loaded.all()) {
            schedules.put(job.name(), job.schedule());
        }
        freshnessLags.track(loaded.all());
        if (config.enabled()) scheduler.plan(schedules, runs.lastSlots());
        log.info("Loaded {} jobs from {}: {}", loaded.all().size(), config.path(), schedules.keySet());
    }

    private JobDefinition job(String name) {
        return catalog.get(name).orElseThrow(() -> new UnknownJobException(name));
    }

    private JobStatus status(JobDefinition job) {
        JobRun last = runs.recent(job.name(), 1).stream().findFirst().orElse(null);
        Instant lastSuccess = runs.lastSuccess(job.name()).orElse(null);
        Instant nextRun = scheduler.nextRun(job.name());
        if (!job.incremental()) {
            return new JobStatus(job.name(), "plain", job.schedule().describe(), job.file().toString(), null, null,
                    null, null, null, null, null, null, last, lastSuccess, nextRun);
        }
        JobStateStore.Freshness f = states.freshness(job.name());
        double lag = FreshnessLags.lagSeconds(f, clock.instant());
        return new JobStatus(job.name(), "incremental", job.schedule().describe(), job.file().toString(),
                job.source(), job.target(), Durations.format(job.bucket()), Durations.format(job.lag()),
                f.watermark(), lag, f.dirtyBuckets(), f.oldestDirty(), last, lastSuccess, nextRun);
    }
}
