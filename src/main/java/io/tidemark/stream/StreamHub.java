package io.tidemark.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tidemark.alerts.AlertEvent;
import io.tidemark.config.StreamConfig;
import io.tidemark.ingest.CommitListener;
import io.tidemark.ingest.CommittedReadings;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Fans committed readings and stored alert events out to the stream clients.
 *
 * <p>On the writer thread, after each commit: nothing at all when no client is connected; otherwise one copy of the
 * batch, then one O(1) offer per client ({@link StreamSubscription#offer(ReadingBatch)}), which never waits for the
 * client. Memory is bounded by {@code stream.max_clients x stream.client_queue}. Thread-safe.
 */
public final class StreamHub implements CommitListener, Consumer<AlertEvent> {
    private final StreamConfig config;
    private final List<StreamSubscription> subscriptions = new CopyOnWriteArrayList<>();
    private final Counter droppedReadings;
    private final Counter droppedAlerts;
    private final Counter rejected;
    private volatile boolean stopped;

    public StreamHub(StreamConfig config, MeterRegistry registry) {
        this.config = config;
        this.droppedReadings = Counter.builder("tidemark.stream.events.dropped").tag("type", "reading")
                .description("Events skipped for stream clients that fell behind").register(registry);
        this.droppedAlerts = Counter.builder("tidemark.stream.events.dropped").tag("type", "alert")
                .description("Events skipped for stream clients that fell behind").register(registry);
        this.rejected = Counter.builder("tidemark.stream.clients.rejected")
                .description("Stream connections refused because stream.max_clients were connected").register(registry);
        Gauge.builder("tidemark.stream.clients", subscriptions, List::size).description("Connected stream clients")
                .register(registry);
    }

    /**
     * Subscribes a client with the filter in {@code params} ({@code sensor}, {@code metric}, {@code events}).
     *
     * @throws InvalidParametersException if the parameters are wrong
     * @throws StreamUnavailableException if {@code stream.max_clients} are connected or the server is stopping
     */
    public StreamSubscription subscribe(Map<String, List<String>> params) {
        StreamFilter filter = StreamFilter.parse(params);
        StreamSubscription subscription =
                new StreamSubscription(filter, config.clientQueue(), config.heartbeat(), this);
        synchronized (this) {
            if (stopped) throw new StreamUnavailableException("server is stopping");
            if (config.maxClients() == 0) {
                throw new StreamUnavailableException("the stream is off (stream.max_clients is 0)");
            }
            if (subscriptions.size() >= config.maxClients()) {
                rejected.increment();
                throw new StreamUnavailableException("the stream has " + subscriptions.size() + " clients, the most"
                        + " stream.max_clients allows; retry later");
            }
            subscriptions.add(subscription);
        }
        return subscription;
    }

    @Override
    public void onCommit(CommittedReadings readings) {
        ReadingBatch batch = null;
        for (StreamSubscription s : subscriptions) {
            if (!s.wantsReadings()) continue;
            if (batch == null) batch = ReadingBatch.copyOf(readings);
            int skipped = s.offer(batch);
            if (skipped > 0) droppedReadings.increment(skipped);
        }
    }

    /** Publishes a stored alert event; never blocks. */
    @Override
    public void accept(AlertEvent event) {
        for (StreamSubscription s : subscriptions) {
            if (s.offer(event)) droppedAlerts.increment();
        }
    }

    void remove(StreamSubscription subscription) {
        subscriptions.remove(subscription);
    }

    /** Closes every subscription; their clients' threads finish their responses. */
    public void stop() {
        synchronized (this) {
            stopped = true;
        }
        for (StreamSubscription s : subscriptions) s.close();
    }
}
