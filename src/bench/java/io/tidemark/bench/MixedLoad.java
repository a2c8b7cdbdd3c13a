package io.tidemark.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The clients of the mixed-load figure, closed loop over {@link HttpClient} (HTTP/1.1): {@link #BULK_CLIENTS} posting
 * {@link #BULK_READINGS} readings a request and {@link #SINGLE_CLIENTS} posting one, each waiting at most
 * {@link #TIMEOUT} for an answer (then the request counts as unanswered) and backing off per Retry-After on a 503;
 * {@link #STREAM_CLIENTS} reading the SSE stream and reconnecting every {@link #STREAM_RECONNECT}; {@link
 * #ROLLUP_CLIENTS} reading an hour of live {@code 1m} rollups of a random sensor; and, when asked, an admin run of
 * {@code rollup_1m} every {@link #ADMIN_EVERY}.
 *
 * <p>Lifecycle: {@link #start} (warm-up: nothing counts), {@link #openWindow}, {@link #closeWindow} (no new ingest
 * request), {@link #finish} (waits for the answers in flight). Ingest requests count when sent inside the window;
 * acknowledged readings are also totalled over the whole load, to check them against the table.
 */
final class MixedLoad {
    static final int BULK_CLIENTS = 3;
    static final int SINGLE_CLIENTS = 12;
    static final int STREAM_CLIENTS = 4;
    static final int ROLLUP_CLIENTS = 2;
    static final int BULK_READINGS = 1000;
    static final Duration TIMEOUT = Duration.ofSeconds(15);
    static final Duration STREAM_RECONNECT = Duration.ofSeconds(5);
    static final Duration ADMIN_EVERY = Duration.ofSeconds(10);

    /** What the clients saw inside the window; latencies of ingest requests in ms, unanswered ones at the timeout. */
    record Result(double seconds, long ingestOk, long acknowledged, long acknowledgedTotal, long unavailable,
            long otherStatus, long unanswered, long errors, double p50Millis, double p99Millis, double maxMillis,
            long streamConnections, long streamFailed, long rollupReads, long rollupFailed, long adminOk,
            long adminBusy, long adminOther, String firstError) {
        double readingsPerSecond() {
            return acknowledged / seconds;
        }
    }

    private final String base;
    private final List<MixedBodies.Body> bulk;
    private final List<MixedBodies.Body> single;
    private final boolean adminRuns;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Thread> ingest = new ArrayList<>();
    private final List<Thread> others = new ArrayList<>();
    private final List<long[]> latencies = new ArrayList<>();
    private final List<CompletableFuture<?>> adminAnswers = new ArrayList<>();
    /** Open streams and when to close them (nanoTime): a stalled stream sends nothing that would wake its reader. */
    private final Map<InputStream, Long> openStreams = new ConcurrentHashMap<>();
    private final LongAdder ok = new LongAdder();
    private final LongAdder acknowledged = new LongAdder();
    private final LongAdder acknowledgedTotal = new LongAdder();
    private final LongAdder unavailable = new LongAdder();
    private final LongAdder otherStatus = new LongAdder();
    private final LongAdder unanswered = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder streamConnections = new LongAdder();
    private final LongAdder streamFailed = new LongAdder();
    private final LongAdder rollupReads = new LongAdder();
    private final LongAdder rollupFailed = new LongAdder();
    private final LongAdder adminOk = new LongAdder();
    private final LongAdder adminBusy = new LongAdder();
    private final LongAdder adminOther = new LongAdder();
    private volatile String firstError;
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;
    private volatile boolean sending = true;
    private volatile boolean reading = true;

    MixedLoad(int port, List<MixedBodies.Body> bulk, List<MixedBodies.Body> single, boolean adminRuns) {
        this.base = "http://127.0.0.1:" + port;
        this.bulk = bulk;
        this.single = single;
        this.adminRuns = adminRuns;
    }

    void start() {
        for (int i = 0; i < BULK_CLIENTS + SINGLE_CLIENTS; i++) {
            List<MixedBodies.Body> bodies = i < BULK_CLIENTS ? bulk : single;
            int first = i * 7919; // clients start at different bodies, so they post different sensors
            ingest.add(thread("bench-mixed-post-" + i, () -> post(bodies, first)));
        }
        for (int i = 0; i < STREAM_CLIENTS; i++) others.add(thread("bench-mixed-stream-" + i, this::stream));
        thread("bench-mixed-stream-closer", this::closeStreamsDue);
        for (int i = 0; i < ROLLUP_CLIENTS; i++) {
            long seed = i;
            others.add(thread("bench-mixed-rollups-" + i, () -> readRollups(seed)));
        }
    }

    void openWindow() {
        windowStart = System.nanoTime();
        if (adminRuns) others.add(thread("bench-mixed-admin", this::adminRuns));
    }

    void closeWindow() {
        windowEnd = System.nanoTime();
        sending = false;
    }

    Result finish() throws InterruptedException {
        for (Thread t : ingest) t.join();
        reading = false;
        for (InputStream in : openStreams.keySet()) close(in);
        for (Thread t : others) t.join(STREAM_RECONNECT.toMillis() + 20_000);
        for (CompletableFuture<?> a : adminAnswers) a.completeOnTimeout(null, 30, TimeUnit.SECONDS).join();
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new Result((windowEnd - windowStart) / 1e9, ok.sum(), acknowledged.sum(), acknowledgedTotal.sum(),
                unavailable.sum(), otherStatus.sum(), unanswered.sum(), errors.sum(), percentile(all, 0.50),
                percentile(all, 0.99), all.length == 0 ? Double.NaN : all[all.length - 1] / 1e6,
                streamConnections.sum(), streamFailed.sum(), rollupReads.sum(), rollupFailed.sum(), adminOk.sum(),
                adminBusy.sum(), adminOther.sum(), firstError);
    }

    /** The nearest-rank percentile of sorted nanosecond latencies, in milliseconds. */
    static double percentile(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) return Double.NaN;
        int rank = (int) Math.ceil(p * sortedNanos.length);
        return sortedNanos[Math.max(0, rank - 1)] / 1e6;
    }

    private void post(List<MixedBodies.Body> bodies, int first) {
        long[] mine = new long[1024];
        int n = 0;
        for (long k = first; sending; k++) {
            MixedBodies.Body body = bodies.get((int) (k % bodies.size()));
            long started = System.nanoTime();
            boolean counted = started >= windowStart && started < windowEnd;
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + Workload.TIDEMARK_PATH))
                    .header("Content-Type", "application/json").timeout(TIMEOUT)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.at(System.currentTimeMillis()))).build();
            long backoffMillis = 0;
            long latency;
            try {
                HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
                latency = System.nanoTime() - started;
                if (answer.statusCode() == 200) {
                    long accepted = accepted(answer.body());
                    acknowledgedTotal.add(accepted);
                    if (counted) {
                        ok.increment();
                        acknowledged.add(accepted);
                    }
                } else if (answer.statusCode() == 503) {
                    if (counted) unavailable.increment();
                    backoffMillis = 1000 * answer.headers().firstValueAsLong("Retry-After").orElse(1);
                } else {
                    if (counted) otherStatus.increment();
                    error("status " + answer.statusCode() + ": " + answer.body());
                }
            } catch (HttpTimeoutException e) {
                latency = TIMEOUT.toNanos();
                if (counted) unanswered.increment();
            } catch (IOException e) {
                latency = System.nanoTime() - started;
                if (counted) errors.increment();
                error(e.toString());
                backoffMillis = 100;
            } catch (InterruptedException e) {
                return;
            }
            if (counted) {
                if (n == mine.length) mine = Arrays.copyOf(mine, n * 2);
                mine[n++] = latency;
            }
            if (backoffMillis > 0) sleep(backoffMillis);
        }
        synchronized (latencies) {
            latencies.add(Arrays.copyOf(mine, n));
        }
    }

    /** Connects, reads every byte as it comes, and reconnects every STREAM_RECONNECT. */
    private void stream() {
        byte[] buffer = new byte[64 * 1024];
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/stream")).timeout(TIMEOUT).build();
        while (reading) {
            boolean counted = inWindow();
            if (counted) streamConnections.increment();
            boolean ready = false;
            try {
                HttpResponse<InputStream> answer = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = answer.body()) {
                    openStreams.put(in, System.nanoTime() + STREAM_RECONNECT.toNanos());
                    if (answer.statusCode() != 200) throw new IOException("stream answered " + answer.statusCode());
                    StringBuilder head = new StringBuilder();
                    for (int r = in.read(buffer); r >= 0 && reading; r = in.read(buffer)) {
                        if (!ready) {
                            head.append(new String(buffer, 0, r, StandardCharsets.UTF_8));
                            ready = head.indexOf("event: ready") >= 0;
                        }
                    }
                    if (!ready) throw new IOException("stream ended before its ready event");
                } finally {
                    openStreams.remove(answer.body());
                }
            } catch (IOException e) {
                if (!ready && counted) streamFailed.increment();
                if (!ready) error("stream: " + e);
                if (!ready) sleep(500); // else it was closed to reconnect
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void closeStreamsDue() {
        while (reading) {
            long now = System.nanoTime();
            openStreams.forEach((in, due) -> {
                if (now >= due) close(in);
            });
            sleep(100);
        }
    }

    private void readRollups(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        while (reading) {
            long to = System.currentTimeMillis();
            String sensor = MixedBodies.sensor(random.nextInt(MixedBodies.SENSORS));
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/rollups/1m?sensor=" + sensor
                    + "&metric=" + MixedBodies.METRIC + "&from=" + (to - 3_600_000L) + "&to=" + to))
                    .timeout(TIMEOUT).build();
            boolean counted = inWindow();
            try {
                HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (counted) (answer.statusCode() == 200 ? rollupReads : rollupFailed).increment();
                if (answer.statusCode() != 200) error("rollups: " + answer.statusCode() + " " + answer.body());
            } catch (IOException e) {
                if (counted) rollupFailed.increment();
                error("rollups: " + e);
                sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Every ADMIN_EVERY while the window is open, without waiting for the previous run: a busy job answers 409. */
    private void adminRuns() {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/admin/jobs/rollup_1m/run"))
                .header("Authorization", "Bearer " + TidemarkServer.ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofMinutes(5)).build();
        for (long due = windowStart; sending; due += ADMIN_EVERY.toNanos()) {
            long wait = due - System.nanoTime();
            if (wait > 0) sleep(wait / 1_000_000);
            if (!sending) break;
            adminAnswers.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((a, e) -> {
                if (a != null && a.statusCode() == 200) {
                    adminOk.increment();
                } else if (a != null && a.statusCode() == 409) {
                    adminBusy.increment();
                } else {
                    adminOther.increment();
                    error("admin run: " + (a != null ? a.statusCode() + " " + a.body() : e));
                }
            }));
        }
    }

    private static long accepted(String body) {
        int i = body.indexOf("\"accepted\":");
        if (i < 0) throw new IllegalStateException("200 answer without \"accepted\": " + body);
        long n = 0;
        for (i += "\"accepted\":".length(); i < body.length() && Character.isDigit(body.charAt(i)); i++) {
            n = n * 10 + (body.charAt(i) - '0');
        }
        return n;
    }

    private boolean inWindow() {
        long now = System.nanoTime();
        return now >= windowStart && now < windowEnd;
    }

    private void error(String what) {
        if (firstError == null) firstError = what;
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
