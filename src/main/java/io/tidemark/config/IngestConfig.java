package io.tidemark.config;

import java.time.Duration;

/**
 * The write path: request limits, the bounded ingest queue and the group-commit writers.
 *
 * <p>{@code queueCapacity} counts readings, not requests, so memory stays bounded whatever the request sizes.
 * {@code maxNewSeriesPerMinute} bounds the series one credential may create per minute on one node (0: no limit), so
 * that one misconfigured collector (a timestamp or an id in a tag, say) cannot grow the series table without end.
 */
public record IngestConfig(
        Long maxBodyBytes,
        Integer queueCapacity,
        Integer batchSize,
        Duration linger,
        Integer writers,
        Duration maxAge,
        Duration maxFuture,
        Duration commitTimeout,
        Duration idempotencyTtl,
        Integer seriesCacheSize,
        Duration implicitKeyTtl,
        Integer maxNewSeriesPerMinute) {
    public static final long DEFAULT_MAX_BODY_BYTES = 16L * 1024 * 1024;
    public static final int DEFAULT_QUEUE_CAPACITY = 500_000;
    public static final int DEFAULT_BATCH_SIZE = 100_000;
    public static final Duration DEFAULT_LINGER = Duration.ofMillis(10);
    public static final int DEFAULT_WRITERS = 2;
    public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(30);
    public static final Duration DEFAULT_MAX_FUTURE = Duration.ofHours(1);
    public static final Duration DEFAULT_COMMIT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_IDEMPOTENCY_TTL = Duration.ofHours(24);
    public static final int DEFAULT_SERIES_CACHE_SIZE = 100_000;
    /**
     * A body that is its own key (line protocol with every timestamp) is retried within seconds to minutes (Telegraf
     * at its next flush); the key costs a row per request, so it is kept an hour, not a day.
     */
    public static final Duration DEFAULT_IMPLICIT_KEY_TTL = Duration.ofHours(1);

    public IngestConfig {
        maxBodyBytes = Check.range("ingest.max_body_bytes",
                maxBodyBytes == null ? DEFAULT_MAX_BODY_BYTES : maxBodyBytes, 1024L, 1L << 30);
        queueCapacity = Check.range("ingest.queue_capacity",
                queueCapacity == null ? DEFAULT_QUEUE_CAPACITY : queueCapacity, 1, 50_000_000);
        batchSize = Check.range("ingest.batch_size", batchSize == null ? DEFAULT_BATCH_SIZE : batchSize, 1, 10_000_000);
        linger = linger == null ? DEFAULT_LINGER : linger;
        if (linger.isNegative() || linger.toMillis() > 10_000) {
            throw new InvalidConfigException("ingest.linger must be between 0ms and 10s, got "
                    + Durations.format(linger));
        }
        writers = Check.range("ingest.writers", writers == null ? DEFAULT_WRITERS : writers, 1, 64);
        maxAge = Check.positive("ingest.max_age", maxAge == null ? DEFAULT_MAX_AGE : maxAge);
        maxFuture = Check.positive("ingest.max_future", maxFuture == null ? DEFAULT_MAX_FUTURE : maxFuture);
        commitTimeout = Check.positive("ingest.commit_timeout",
                commitTimeout == null ? DEFAULT_COMMIT_TIMEOUT : commitTimeout);
        idempotencyTtl = Check.positive("ingest.idempotency_ttl",
                idempotencyTtl == null ? DEFAULT_IDEMPOTENCY_TTL : idempotencyTtl);
        seriesCacheSize = Check.range("ingest.series_cache_size",
                seriesCacheSize == null ? DEFAULT_SERIES_CACHE_SIZE : seriesCacheSize, 100, 100_000_000);
        implicitKeyTtl = Check.positive("ingest.implicit_key_ttl",
                implicitKeyTtl == null ? DEFAULT_IMPLICIT_KEY_TTL : implicitKeyTtl);
        maxNewSeriesPerMinute = Check.range("ingest.max_new_series_per_minute",
                maxNewSeriesPerMinute == null ? 0 : maxNewSeriesPerMinute, 0, 100_000_000);
    }
}
