package io.tidemark.http;

import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code tidemark_http_requests_seconds{method, route, status}}, one timer per combination, looked up rather than
 * built per request (building one was a tenth of the server's CPU on small requests). Routes are the route table's
 * patterns ({@code unmatched} for a path no route matched), so the number of timers stays small.
 *
 * <p>A Prometheus histogram with the fixed {@link #BUCKETS}, so {@code histogram_quantile} gives a p99 across
 * instances; a dozen buckets rather than Micrometer's seventy-odd percentile buckets keep each timer at a few series.
 */
final class RequestTimers {
    /** Upper bounds of the latency buckets, from a small ingest request to a long stream or job run answer. */
    private static final Duration[] BUCKETS = Stream.of(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000)
            .map(Duration::ofMillis).toArray(Duration[]::new);

    private final MeterRegistry registry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    RequestTimers(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A request Javalin served. */
    Timer timer(Context ctx) {
        var endpoint = ctx.endpoints().lastHttpEndpoint();
        return timer(ctx.method().name(), endpoint == null ? "unmatched" : endpoint.path, ctx.statusCode());
    }

    /** A request served ahead of Javalin (see {@link WriteHandler}), whose route is its path. */
    void record(JettyExchange exchange, int status, long nanos) {
        timer(exchange.method(), exchange.path(), status).record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer timer(String method, String route, int status) {
        return timers.computeIfAbsent(method + ' ' + route + ' ' + status, k -> Timer.builder("tidemark.http.requests")
                .description("HTTP requests by method, route and status")
                .tag("method", method).tag("route", route).tag("status", Integer.toString(status))
                .serviceLevelObjectives(BUCKETS)
                .register(registry));
    }
}
