package io.tidemark.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tidemark.config.IngestConfig;
import io.tidemark.ingest.format.InvalidReadingsException;
import io.tidemark.ingest.format.ParsedReadings;
import io.tidemark.ingest.format.ReadingFormat;
import io.tidemark.ingest.format.SkipReason;
import io.tidemark.ingest.format.TimeWindow;
import io.tidemark.storage.CommittedLatest;
import io.tidemark.storage.DatabaseUnavailableException;
import io.tidemark.storage.PartitionManager;
import io.tidemark.storage.ResourceShortage;
import io.tidemark.storage.SeriesRegistry;
import io.tidemark.storage.SqlErrors;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * The write path's front door: parses and validates a request's readings in its format, resolves their series, and
 * queues them for the group-commit writer. The returned future completes once the readings are committed (or fails,
 * having stored nothing). Knows nothing of HTTP.
 */
public final class IngestService {
    private final SeriesRegistry series;
    private final IdempotencyKeys keys;
    private final AdmissionQueue queue;
    private final Acknowledger acknowledger;
    private final WriteRefusals refusals;
    private final GroupCommitWriter writer;
    private final IngestConfig config;
    private final Clock clock;
    private final NewSeriesLimit newSeries;
    private final Counter accepted;
    private final Counter rejected;
    private final Map<SkipReason, Counter> skipped = new EnumMap<>(SkipReason.class);

    public IngestService(Jdbi jdbi, DataSource dataSource, SeriesRegistry series, PartitionManager partitions,
            IngestConfig config, WrittenAlongside alongside, MeterRegistry registry, Clock clock) {
        this.series = series;
        this.keys = new IdempotencyKeys(jdbi);
        this.queue = new AdmissionQueue(config.queueCapacity(), registry);
        this.acknowledger = new Acknowledger(queue);
        this.refusals = new WriteRefusals(clock, registry);
        BatchTransaction transaction = new BatchTransaction(dataSource, keys, alongside,
                new CommittedLatest(config.seriesCacheSize()));
        BatchWriter batches = new BatchWriter(transaction, partitions, acknowledger, refusals, config, registry);
        this.writer = new GroupCommitWriter(queue, batches, acknowledger, config);
        this.config = config;
        this.clock = clock;
        this.newSeries = new NewSeriesLimit(config.maxNewSeriesPerMinute(), clock);
        this.accepted = Counter.builder("tidemark.readings.accepted").description("Readings committed")
                .register(registry);
        this.rejected = Counter.builder("tidemark.readings.rejected")
                .description("Readings in requests rejected as invalid").register(registry);
        for (SkipReason reason : SkipReason.values()) {
            skipped.put(reason, Counter.builder("tidemark.readings.skipped").tag("reason", reason.tag())
                    .description("Values of accepted requests skipped as not being readings").register(registry));
        }
    }

    public void start() {
        writer.start();
    }

    /** Stops taking requests and commits what is queued, waiting at most {@code timeout}. */
    public void stop(Duration timeout) throws InterruptedException {
        writer.stop(timeout);
    }

    /**
     * Refuses a request while the queue is full, so it can be shed before its body is read or parsed.
     *
     * @throws IngestUnavailableException if the queue is full
     */
    public void checkAdmission() {
        if (queue.isFull()) throw queue.full();
    }

    /**
     * Ingests one request body, reading it to its end and closing it.
     *
     * @param idempotencyKey the client's key, or null
     * @throws InvalidReadingsException if any reading is invalid (nothing is stored)
     * @throws IOException if the body cannot be read
     */
    public CompletableFuture<IngestResult> ingest(InputStream body, ReadingFormat format, String idempotencyKey)
            throws IOException {
        return ingest(body, format, idempotencyKey, WriteOrigin.ANYONE);
    }

    /**
     * Ingests as {@link #ingest(InputStream, ReadingFormat, String)} does, for {@code origin}: only readings of
     * sensors within its prefix, and no more new series than {@code ingest.max_new_series_per_minute} leaves it.
     *
     * @throws SensorNotAllowedException naming the first reading of another sensor (nothing is stored)
     * @throws TooManyNewSeriesException if the request would create more series than the limit leaves (nothing is
     *     stored)
     */
    public CompletableFuture<IngestResult> ingest(InputStream body, ReadingFormat format, String idempotencyKey,
            WriteOrigin origin) throws IOException {
        return ingest(body, format, idempotencyKey, origin, null);
    }

    /**
     * Ingests as {@link #ingest(InputStream, ReadingFormat, String, WriteOrigin)} does; a body without a client key
     * whose every reading has its timestamp in the body is its own idempotency key, so that a client resending a
     * batch after a timeout stores it once (see {@link IdempotencyKeys#implicitKey}).
     *
     * @param bodyScope what besides the body makes it the same points (route, precision, database), or null for a
     *     format whose bodies never identify themselves
     */
    public CompletableFuture<IngestResult> ingest(InputStream body, ReadingFormat format, String idempotencyKey,
            WriteOrigin origin, String bodyScope) throws IOException {
        String sensorPrefix = origin.sensorPrefix();
        checkAdmission();
        boolean hashing = idempotencyKey != null || bodyScope != null;
        DigestInputStream hashed = hashing ? IdempotencyKeys.hashing(idempotencyKey, body) : null;
        ParsedReadings readings;
        String requestHash = null;
        try (InputStream in = hashed == null ? body : hashed) { // closed here, before anything is stored
            try {
                readings = format.parse(in, TimeWindow.at(clock.instant(), config));
            } catch (InvalidReadingsException e) {
                rejected.increment(Math.max(1, e.problemCount()));
                throw e;
            }
            if (hashed != null) requestHash = IdempotencyKeys.hash(hashed);
        }
        if (sensorPrefix != null) checkSensors(readings, sensorPrefix);
        String key = idempotencyKey;
        if (key == null && bodyScope != null && readings.count() > 0 && readings.timestampsFromBody()) {
            key = IdempotencyKeys.implicitKey(bodyScope, sensorPrefix, requestHash);
        }
        if (key == null) requestHash = null;
        int skippedValues = readings.skipped();
        // A request whose key is stored already is told apart where its key is claimed, in the batch transaction
        // (it writes nothing there and gets the stored answer): looking it up here first cost every keyed request a
        // query of its own, and every small write of line protocol or remote write is keyed by its body.
        if (readings.count() == 0) {
            IngestResult answer = withoutReadings(key, requestHash).withSkipped(skippedValues);
            if (!answer.replayed()) countSkipped(readings);
            return CompletableFuture.completedFuture(answer);
        }
        ParsedReadings r = readings;
        SeriesRegistry.NewSeriesGate gate = newSeries.gate(origin.writer());
        int[] ids = withDatabase(() -> series.resolve(r.sensors(), r.metrics(), r.tags(), r.count(), gate));
        WriteRequest request = new WriteRequest(r, ids, key, requestHash);
        queue.submit(request);
        return request.result.thenApply(result -> result.withSkipped(skippedValues)).whenComplete((result, error) -> {
            if (result != null && !result.replayed()) {
                accepted.increment(result.accepted());
                countSkipped(r);
            }
        });
    }

    private void countSkipped(ParsedReadings readings) {
        skipped.forEach((reason, counter) -> counter.increment(readings.skipped(reason)));
    }

    private static void checkSensors(ParsedReadings readings, String prefix) {
        String[] sensors = readings.sensors();
        for (int i = 0; i < readings.count(); i++) {
            if (!sensors[i].startsWith(prefix)) throw new SensorNotAllowedException(i, sensors[i], prefix);
        }
    }

    /** The answer to a request with no readings; its key, if any, is recorded all the same (spent on this body). */
    private IngestResult withoutReadings(String key, String requestHash) {
        IngestResult answer = new IngestResult(0, false);
        if (requestHash == null) return answer;
        Optional<IdempotencyKeys.StoredKey> earlier = withDatabase(() -> keys.claimWithoutReadings(key, requestHash));
        return earlier.isEmpty() ? answer : IdempotencyKeys.replay(key, requestHash, earlier.get());
    }

    /**
     * Deletes idempotency keys older than {@code ingest.idempotency_ttl}, and bodies' own keys older than
     * {@code ingest.implicit_key_ttl}; returns how many.
     */
    public int purgeIdempotencyKeys() {
        return keys.purgeOlderThan(config.idempotencyTtl(), config.implicitKeyTtl());
    }

    /** For {@code GET /admin/series}. */
    public SeriesRegistry.Stats seriesStats() {
        return series.stats();
    }

    /** The configured limit of new series per credential and minute, 0 for none. */
    public int maxNewSeriesPerMinute() {
        return config.maxNewSeriesPerMinute();
    }

    public int queuedReadings() {
        return queue.queuedReadings();
    }

    public int queueCapacity() {
        return queue.capacity();
    }

    /** Since when, and for what, writes are refused because PostgreSQL is out of disk space or memory; if they are. */
    public Optional<WriteRefusal> refusal() {
        return refusals.current();
    }

    private <T> T withDatabase(Supplier<T> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            if (SqlErrors.isRetriable(e)) {
                throw new DatabaseUnavailableException("database unavailable; nothing was stored", e);
            }
            ResourceShortage shortage = SqlErrors.resourceShortage(e); // a new series on a full disk, say
            if (shortage != null) throw refusals.refuse(shortage, e.getMessage(), 1);
            throw e;
        }
    }
}
