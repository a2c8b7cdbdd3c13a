package io.tidemark.http;

import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code tidemark_http_requests_seconds{method, route, status}}, one timer per combination, looked up rather than
 * built per request (building one was a tenth of the server's CPU on small requests). Routes are the route table's
 * patterns, so the number of timers stays small.
 */
final class RequestTimers {
    private final MeterRegistry registry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    RequestTimers(MeterRegistry registry) {
        this.registry = registry;
    }

    Timer timer(Context ctx) {
        String method = ctx.method().name();
        var endpoint = ctx.endpoints().lastHttpEndpoint();
        String route = endpoint == null ? "unmatched" : endpoint.path;
        int status = ctx.statusCode();
        return timers.computeIfAbsent(method + ' ' + route + ' ' + status, k -> Timer.builder("tidemark.http.requests")
                .description("HTTP requests by method, route and status")
                .tag("method", method).tag("route", route).tag("status", Integer.toString(status))
                .register(registry));
    }
}
