package io.tidemark.config;

import java.time.Duration;

/**
 * The batch job engine: where job files live, how many run at once, how failed runs are retried and how much run
 * history is kept.
 */
public record JobsConfig(
        String path,
        Boolean enabled,
        Integer threads,
        Duration retryInitial,
        Duration retryMax,
        Integer historyPerJob) {
    public static final String DEFAULT_PATH = "jobs";
    public static final int DEFAULT_THREADS = 2;
    public static final Duration DEFAULT_RETRY_INITIAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_RETRY_MAX = Duration.ofMinutes(5);
    public static final int DEFAULT_HISTORY_PER_JOB = 1000;

    public JobsConfig {
        if (path == null || path.isBlank()) path = DEFAULT_PATH;
        if (enabled == null) enabled = true;
        threads = Check.range("jobs.threads", threads == null ? DEFAULT_THREADS : threads, 1, 32);
        retryInitial = Check.positive("jobs.retry_initial",
                retryInitial == null ? DEFAULT_RETRY_INITIAL : retryInitial);
        retryMax = Check.positive("jobs.retry_max", retryMax == null ? DEFAULT_RETRY_MAX : retryMax);
        if (retryMax.compareTo(retryInitial) < 0) {
            throw new InvalidConfigException("jobs.retry_max (" + Durations.format(retryMax)
                    + ") must not be shorter than jobs.retry_initial (" + Durations.format(retryInitial) + ")");
        }
        historyPerJob = Check.range("jobs.history_per_job",
                historyPerJob == null ? DEFAULT_HISTORY_PER_JOB : historyPerJob, 1, 1_000_000);
    }
}
