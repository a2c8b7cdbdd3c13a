package io.tidemark.config;

import java.time.Duration;

/**
 * The feed ({@code GET /api/v1/feed}, and what the stream and the alert rules read): whether writers append to it,
 * and how long its rows are kept, which is how far back a stream client or a feed consumer can resume.
 *
 * <p>Every node on one database must agree on {@code enabled}: a node that does not append leaves its readings out
 * of every node's stream and alerts. Off, the stream carries nothing, the feed answers 404 and alert rules are
 * refused at start-up; readings are stored and rolled up as ever.
 */
public record FeedConfig(Boolean enabled, Duration retention) {
    public static final Duration DEFAULT_RETENTION = Duration.ofHours(1);

    public FeedConfig {
        enabled = enabled == null || enabled;
        retention = Check.positive("feed.retention", retention == null ? DEFAULT_RETENTION : retention);
        if (retention.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new InvalidConfigException("feed.retention must be at least 1m (stream clients reconnect within"
                    + " it), got " + Durations.format(retention));
        }
    }
}
