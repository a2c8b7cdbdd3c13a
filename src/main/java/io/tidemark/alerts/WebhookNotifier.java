package io.tidemark.alerts;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tidemark.config.WebhookConfig;
import io.tidemark.retry.Backoff;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs each stored alert event as JSON to {@code alerts.webhook.url}, one at a time and in order, on a thread of its
 * own.
 *
 * <p>{@link #accept} never blocks: events wait in a bounded queue and are dropped (counted) when it is full, so a
 * slow or dead webhook costs at most that queue. Timeouts, connection failures, 408, 429 and 5xx are retried with
 * exponential backoff up to {@code max_attempts}; other answers are final. Events still queued at shutdown are not
 * delivered.
 */
final class WebhookNotifier implements Consumer<AlertEvent> {
    private static final Logger log = LoggerFactory.getLogger(WebhookNotifier.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final WebhookConfig config;
    private final URI uri;
    private final HttpClient client;
    private final DroppingQueue queue;
    private final Thread thread = new Thread(this::run, "tidemark-webhook");
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Counter delivered;
    private final Counter failed;
    private final Counter retries;

    WebhookNotifier(WebhookConfig config, MeterRegistry registry) {
        this.config = config;
        this.uri = URI.create(config.url());
        this.client = HttpClient.newBuilder().connectTimeout(config.timeout()).build();
        this.delivered = Counter.builder("tidemark.webhook.deliveries").tag("outcome", "delivered")
                .description("Alert events POSTed to the webhook, by outcome").register(registry);
        this.failed = Counter.builder("tidemark.webhook.deliveries").tag("outcome", "failed")
                .description("Alert events POSTed to the webhook, by outcome").register(registry);
        Counter dropped = Counter.builder("tidemark.webhook.deliveries").tag("outcome", "dropped")
                .description("Alert events POSTed to the webhook, by outcome").register(registry);
        this.queue = new DroppingQueue(config.queueCapacity(), "Webhook", "alerts.webhook.queue_capacity", dropped,
                log);
        this.retries = Counter.builder("tidemark.webhook.retries").description("Webhook attempts that were retried")
                .register(registry);
        Gauge.builder("tidemark.webhook.queue", queue, DroppingQueue::size)
                .description("Alert events waiting for the webhook").register(registry);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public void accept(AlertEvent event) {
        queue.offer(event);
    }

    /** Stops at once: an attempt in flight is abandoned, queued events are not delivered. */
    void stop() throws InterruptedException {
        stopped.countDown();
        thread.interrupt();
        thread.join(config.timeout().toMillis() + 1000);
        if (!queue.isEmpty()) log.warn("Stopped with {} alert events not delivered to the webhook", queue.size());
    }

    private void run() {
        while (stopped.getCount() > 0) {
            AlertEvent event;
            try {
                event = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (!deliver(event)) return;
        }
    }

    /** Tries one event up to max_attempts times; false if stopped meanwhile. */
    private boolean deliver(AlertEvent event) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(config.timeout())
                .header("Content-Type", "application/json").header("User-Agent", "tidemark")
                .POST(HttpRequest.BodyPublishers.ofString(event.toJson())).build();
        Backoff backoff = new Backoff(config.backoff(), MAX_BACKOFF);
        for (int attempt = 1; ; attempt++) {
            String problem;
            try {
                HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    delivered.increment();
                    return true;
                }
                problem = "answered " + status;
                if (!(status == 408 || status == 429 || status / 100 == 5)) {
                    return giveUp(event, problem + ", which is not retried");
                }
            } catch (IOException e) {
                problem = e.toString();
            } catch (InterruptedException e) {
                return false;
            }
            if (attempt >= config.maxAttempts()) return giveUp(event, problem + " on all " + attempt + " attempts");
            retries.increment();
            long wait = backoff.nextMillis();
            log.debug("Webhook attempt {} for alert {} failed ({}); retrying in {} ms", attempt, event.alert().id(),
                    problem, wait);
            try {
                if (stopped.await(wait, TimeUnit.MILLISECONDS)) return false;
            } catch (InterruptedException e) {
                return false;
            }
        }
    }

    private boolean giveUp(AlertEvent event, String why) {
        failed.increment();
        log.warn("Webhook did not take {}: {}", event.describe(), why);
        return true;
    }
}
