package io.tidemark.config;

import java.net.URI;
import java.time.Duration;

/**
 * Where alert events are POSTed, and how hard to try. Absent {@code url} means no webhook.
 *
 * <p>A delivery is tried at most {@code maxAttempts} times, waiting {@code backoff}, then twice that, and so on
 * (capped at a minute) between attempts; events waiting beyond {@code queueCapacity} are dropped and counted.
 * The URL may carry a token, so {@link #toString()} shows only its scheme, host and port.
 */
public record WebhookConfig(String url, Duration timeout, Integer maxAttempts, Duration backoff,
        Integer queueCapacity) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    public static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(1);
    public static final int DEFAULT_QUEUE_CAPACITY = 1000;

    public WebhookConfig {
        if (url != null) {
            url = url.trim();
            URI parsed;
            try {
                parsed = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException("alerts.webhook.url is not a URL: " + e.getMessage());
            }
            if (!("http".equals(parsed.getScheme()) || "https".equals(parsed.getScheme()))
                    || parsed.getHost() == null) {
                throw new InvalidConfigException("alerts.webhook.url must be an http:// or https:// URL with a host, got "
                        + redact(url));
            }
        }
        timeout = Check.positive("alerts.webhook.timeout", timeout == null ? DEFAULT_TIMEOUT : timeout);
        maxAttempts = Check.range("alerts.webhook.max_attempts",
                maxAttempts == null ? DEFAULT_MAX_ATTEMPTS : maxAttempts, 1, 100);
        backoff = Check.positive("alerts.webhook.backoff", backoff == null ? DEFAULT_BACKOFF : backoff);
        queueCapacity = Check.range("alerts.webhook.queue_capacity",
                queueCapacity == null ? DEFAULT_QUEUE_CAPACITY : queueCapacity, 1, 1_000_000);
    }

    /** No webhook, other settings at their defaults. */
    public static WebhookConfig none() {
        return new WebhookConfig(null, null, null, null, null);
    }

    public boolean enabled() {
        return url != null;
    }

    public WebhookConfig withUrl(String newUrl) {
        return new WebhookConfig(newUrl, timeout, maxAttempts, backoff, queueCapacity);
    }

    @Override
    public String toString() {
        return "WebhookConfig[url=" + (url == null ? "none" : redact(url)) + ", timeout=" + Durations.format(timeout)
                + ", maxAttempts=" + maxAttempts + ", backoff=" + Durations.format(backoff) + ", queueCapacity="
                + queueCapacity + "]";
    }

    static String redact(String url) {
        try {
            URI u = URI.create(url);
            return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort()) + "/...";
        } catch (IllegalArgumentException e) {
            return "(unparseable)";
        }
    }
}
