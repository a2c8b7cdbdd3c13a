package io.tidemark.config;

import java.time.Duration;

/**
 * The live stream ({@code GET /api/v1/stream}): how many clients at once, how many events each may have waiting in
 * memory before it reads them back from the feed table instead (it loses none), and how often an idle connection
 * gets a keep-alive comment.
 *
 * <p>Memory: a client holds at most {@code clientQueue} events plus one feed row (a batch), and clients share the rows
 * they hold, so {@code maxClients * (clientQueue + ingest.batch_size)} readings bound it at worst.
 */
public record StreamConfig(Integer maxClients, Integer clientQueue, Duration heartbeat) {
    public static final int DEFAULT_MAX_CLIENTS = 64;
    public static final int DEFAULT_CLIENT_QUEUE = 10_000;
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);
    public static final Duration MAX_HEARTBEAT = Duration.ofSeconds(25);

    public StreamConfig {
        maxClients = Check.range("stream.max_clients",
                maxClients == null ? DEFAULT_MAX_CLIENTS : maxClients, 0, 10_000);
        clientQueue = Check.range("stream.client_queue", clientQueue == null ? DEFAULT_CLIENT_QUEUE : clientQueue,
                1, 10_000_000);
        heartbeat = Check.positive("stream.heartbeat", heartbeat == null ? DEFAULT_HEARTBEAT : heartbeat);
        if (heartbeat.compareTo(MAX_HEARTBEAT) > 0) {
            // Jetty closes a connection idle for 30 s; a quiet stream must say something before that.
            throw new InvalidConfigException("stream.heartbeat must be at most " + Durations.format(MAX_HEARTBEAT)
                    + " (the server drops connections idle for 30s), got " + Durations.format(heartbeat));
        }
    }
}
