package io.tidemark.stream;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.config.StreamConfig;
import io.tidemark.feed.FeedCursor;
import io.tidemark.feed.FeedEntry;
import io.tidemark.feed.FeedKind;
import io.tidemark.feed.FeedPosition;
import io.tidemark.feed.FeedTruncatedException;
import io.tidemark.names.Tags;
import io.tidemark.storage.SeriesKey;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One stream client: its filter and its own cursor on the feed, read and written out by the client's own thread.
 * Every event has its feed position as its id. A client that keeps up gets rows from memory; one that does not (a
 * slow connection) reads the table through its cursor, so it loses nothing and slows nobody; one that asks for a
 * position retention no longer keeps gets a {@code reset} event saying where the feed now starts, then everything
 * from there.
 */
public final class StreamSubscription {
    /** What the client is told when the events it asked for are gone: {@code oldest} is where it now stands. */
    record Reset(@JsonProperty("requested") String requested, @JsonProperty("oldest") String oldest,
            @JsonProperty("message") String message) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final StreamFilter filter;
    private final FeedCursor cursor;
    private final StreamConfig config;
    private final StreamHub hub;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Where the client stands; events at or before it are not sent. */
    private FeedPosition position;

    StreamSubscription(StreamFilter filter, FeedCursor cursor, FeedPosition start, StreamConfig config,
            StreamHub hub) {
        this.filter = filter;
        this.cursor = cursor;
        this.position = start;
        this.config = config;
        this.hub = hub;
    }

    /**
     * Writes this client's events to {@code out} until {@link #close()} or until writing fails (the client went
     * away, or stalled past the server's idle timeout). Runs on the client's own thread. Starts with a {@code ready}
     * event, and writes a comment after {@code heartbeat} of silence so that proxies keep the connection open and a
     * gone client is noticed. Events are flushed whenever no further row is at hand.
     */
    public void pump(OutputStream out) throws IOException, InterruptedException {
        SseWriter sse = new SseWriter(out);
        sse.event("ready", ready());
        sse.flush();
        boolean unflushed = false;
        while (!closed.get()) {
            FeedEntry row;
            try {
                row = cursor.next(unflushed ? Duration.ZERO : config.heartbeat());
            } catch (FeedTruncatedException e) {
                FeedPosition oldest = FeedPosition.afterRow(e.oldest() - 1);
                sse.event("reset", new Reset(position.toString(), oldest.toString(), e.getMessage()));
                position = oldest;
                unflushed = true;
                continue;
            }
            if (row == null) {
                if (closed.get()) break;
                if (!unflushed) sse.comment("keep-alive");
                sse.flush();
                unflushed = false;
                continue;
            }
            write(row, sse);
            unflushed = true;
        }
    }

    private Map<String, Object> ready() {
        Map<String, Object> ready = new LinkedHashMap<>();
        ready.put("sensor", filter.series().sensor().toString());
        ready.put("metric", filter.series().metric().toString());
        if (filter.series().tags() != null) ready.put("tags", filter.series().tags().toMap());
        ready.put("readings", filter.readings());
        ready.put("alerts", filter.alerts());
        ready.put("after", position.toString());
        ready.put("client_queue", config.clientQueue());
        return ready;
    }

    private void write(FeedEntry row, SseWriter sse) throws IOException {
        int from = position.firstIndexIn(row.row());
        if (row.kind() == FeedKind.READINGS) {
            if (filter.readings()) {
                for (int i = from; i < row.count(); i++) {
                    SeriesKey s = row.series(i);
                    if (filter.series().matches(s.sensor(), s.metric(), s.tags())) {
                        sse.reading(row.row(), i, s.sensor(), s.metric(), s.tags(), row.timestampMicros(i),
                                row.value(i));
                    }
                }
            }
        } else if (filter.alerts()) {
            for (int i = from; i < row.count(); i++) {
                String json = row.alertJson(i);
                if (matches(json)) sse.feedEvent(row.row(), i, "alert", json);
            }
        }
        position = FeedPosition.afterRow(row.row());
    }

    private boolean matches(String alertJson) throws IOException {
        JsonNode alert = JSON.readTree(alertJson);
        Tags tags = alert.has("tags") ? Tags.parse(alert.get("tags").toString()) : Tags.NONE;
        return filter.series().matches(alert.path("sensor").asText(), alert.path("metric").asText(), tags);
    }

    /** Ends the subscription: the client's thread leaves {@link #pump} at its next turn. Idempotent. */
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        cursor.close();
        hub.remove(this);
    }
}
