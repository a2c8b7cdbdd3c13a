package io.tidemark.jobs;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * How long the transactions of job runs last, by job and step ({@code advance}: absorb the write log and move the
 * watermark; {@code compute}: one batch of buckets). Writers no longer wait on them, but a long one still holds back
 * vacuum and delays what the run makes visible, so operators can see and bound it ({@code max_buckets}).
 */
final class TransactionTimes {
    private final MeterRegistry registry;

    TransactionTimes(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(String job, String step, long nanos) {
        Timer.builder("tidemark.job.transaction").description("Duration of one transaction of a job run")
                .tag("job_name", job).tag("step", step).publishPercentileHistogram().register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }
}
