package io.tidemark.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tidemark.config.StreamConfig;
import io.tidemark.feed.Feed;
import io.tidemark.feed.FeedCursor;
import io.tidemark.feed.FeedPosition;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Opens and tracks the stream clients: at most {@code stream.max_clients}, each reading the feed through a cursor of
 * its own (memory: at most {@code stream.client_queue} events for all of them, see
 * {@link io.tidemark.config.StreamConfig}). Thread-safe.
 */
public final class StreamHub {
    private final StreamConfig config;
    private final Feed feed;
    private final List<StreamSubscription> subscriptions = new CopyOnWriteArrayList<>();
    private final Counter rejected;
    private volatile boolean stopped;

    /** @param feed null when {@code feed.enabled} is false: the stream is off then */
    public StreamHub(StreamConfig config, Feed feed, MeterRegistry registry) {
        this.config = config;
        this.feed = feed;
        this.rejected = Counter.builder("tidemark.stream.clients.rejected")
                .description("Stream connections refused because stream.max_clients were connected").register(registry);
        Gauge.builder("tidemark.stream.clients", subscriptions, List::size).description("Connected stream clients")
                .register(registry);
    }

    /**
     * Subscribes a client with the filter in {@code params} ({@code sensor}, {@code metric}, {@code tags},
     * {@code events}, {@code after}), from {@code lastEventId} (the header a reconnecting EventSource sends, which
     * wins over {@code after}) if not null.
     *
     * @throws io.tidemark.query.InvalidParametersException if the parameters are wrong
     * @throws StreamOffException if the configuration turns the stream off
     * @throws StreamUnavailableException if {@code stream.max_clients} are connected or the server is stopping
     */
    public StreamSubscription subscribe(Map<String, List<String>> params, String lastEventId) {
        StreamFilter filter = StreamFilter.parse(params, lastEventId);
        if (feed == null) throw new StreamOffException("the stream is off on this server (feed.enabled is false)");
        synchronized (this) {
            if (stopped) throw new StreamUnavailableException("server is stopping");
            if (config.maxClients() == 0) {
                throw new StreamOffException("the stream is off on this server (stream.max_clients is 0)");
            }
            if (subscriptions.size() >= config.maxClients()) {
                rejected.increment();
                throw new StreamUnavailableException("the stream has " + subscriptions.size() + " clients, the most"
                        + " stream.max_clients allows; retry later");
            }
            FeedPosition after = filter.after();
            FeedCursor cursor = feed.open(after);
            // From now on, the client stands where its cursor joined the live rows.
            StreamSubscription subscription = new StreamSubscription(filter, cursor,
                    after != null ? after : cursor.position(), config, this);
            subscriptions.add(subscription);
            return subscription;
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
