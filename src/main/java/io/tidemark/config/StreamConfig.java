package io.tidemark.config;

import java.time.Duration;

/**
 * The live stream ({@code GET /api/v1/stream}): how many clients at once, how many events each may have waiting in
 * memory before it reads them back from the feed table instead (it loses none), and how often an idle connection
 * gets a keep-alive comment.
 *
 * <p>Memory: a client holds at most {@code clientQueue} events plus one feed row (a batch). Every client holds the
 * newest rows, the same row objects, so together they hold at most {@code clientQueue + ingest.batch_size} events
 * (about 28 bytes each), however many they are: the default, 200,000, is about 6 MB, and a fifth of a second of ingest
 * at a million readings a second, so that a client that keeps up on average is rarely sent back to the table by a
 * moment's delay (with 10,000 it was, all the time, under the benchmark's bulk load).
 */
public record StreamConfig(Integer maxClients, Integer clientQueue, Duration heartbeat) {
    public static final int DEFAULT_MAX_CLIENTS = 64;
    public static final int DEFAULT_CLIENT_QUEUE = 200_000;
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
