package io.tidemark.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tidemark.testing.Await;
import io.tidemark.testing.PrometheusText;
import io.tidemark.testing.RandomSeed;
import io.tidemark.testing.ServerProcess;
import io.tidemark.testing.TcpProxy;
import io.tidemark.testing.TestDatabase;
import io.tidemark.testing.TestServer;
import io.tidemark.testing.TidemarkClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stock Prometheus (Debian's 2.42; {@code .ci/run} installs it) as the real remote write client: it scrapes itself
 * and Tidemark's {@code /metrics} every second and sends everything to Tidemark's {@code /api/v1/write}, with tokens
 * (no anonymous access). Its own counters show nothing failed or dropped, and {@code readings_v} holds exactly the
 * raw samples its query API reports, with their labels as tags, also after answers were lost and Tidemark was
 * killed and restarted mid-stream: nothing lost, nothing doubled. Skipped, saying why, without the binary.
 */
@Timeout(85)
@ExtendWith(RandomSeed.class)
class PrometheusRemoteWriteIT {
    /** Tidemark's side: every request needs a token. */
    private static final String TIDEMARK_CONFIG = "auth:\n  anonymous: []\n";
    private static final String EXTERNAL_LABEL = "monitor";
    private static final String EXTERNAL_VALUE = "it";
    /** Remote write lags the scrape by up to about 2 s (batch_send_deadline 1s): compare a window ended before. */
    private static final long SETTLE_MILLIS = 2_500;
    private static final Duration DELIVERY_PATIENCE = Duration.ofSeconds(25);

    private static Path binary;

    @TempDir
    Path dir;

    private TestDatabase database;
    private ServerProcess tidemark;
    private int tidemarkPort;
    private PrometheusProcess prometheus;
    /** Between Prometheus and Tidemark's write route, where a test loses answers on purpose. */
    private TcpProxy proxy;
    private long prometheusStartedMillis;

    /** On failure: Prometheus' counters and the end of its log (Tidemark's output is echoed as [server] lines). */
    @RegisterExtension
    final TestExecutionExceptionHandler diagnostics = (context, failure) -> {
        if (prometheus != null) {
            System.err.println("Prometheus remote write counters: " + safeCounters());
            System.err.println("Prometheus log, last lines:\n" + prometheus.logTail(40));
        }
        throw failure;
    };

    @BeforeAll
    static void findPrometheus() {
        binary = PrometheusProcess.binary().orElse(null);
        assumeTrue(binary != null, "no prometheus binary (/usr/bin/prometheus or on PATH; Debian: apt-get install"
                + " prometheus, which .ci/run does as root); PrometheusRemoteWriteIT needs the real client");
    }

    @BeforeEach
    void startTidemark() {
        database = TestDatabase.create();
        tidemark = ServerProcess.start(database, TIDEMARK_CONFIG);
        tidemarkPort = tidemark.port();
    }

    /**
     * Starts Prometheus scraping itself and Tidemark, remote-writing to {@code writePort} (Tidemark's, or a proxy's in
     * front of it), with tokens made through the admin API.
     */
    private void startPrometheus(int writePort) throws IOException {
        String writeToken = createToken("prometheus-remote-write", "[\"write\"]");
        String metricsToken = createToken("prometheus-scrape", "[\"metrics\"]");
        int port = PrometheusProcess.freePort();
        prometheusStartedMillis = System.currentTimeMillis();
        prometheus = PrometheusProcess.start(binary, dir, port, """
                global:
                  scrape_interval: 1s
                  external_labels:
                    %s: %s
                scrape_configs:
                  - job_name: prometheus
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                  - job_name: tidemark
                    authorization:
                      credentials: %s
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                remote_write:
                  - url: http://127.0.0.1:%d/api/v1/write
                    authorization:
                      credentials: %s
                    queue_config:
                      batch_send_deadline: 1s
                      min_backoff: 100ms
                      max_backoff: 1s
                """.formatted(EXTERNAL_LABEL, EXTERNAL_VALUE, port, metricsToken, tidemarkPort, writePort,
                writeToken));
    }

    @AfterEach
    void stopAll() {
        try {
            if (prometheus != null) prometheus.close();
            if (proxy != null) proxy.close();
        } finally {
            try {
                if (tidemark != null) tidemark.close();
            } finally {
                if (database != null) database.close();
            }
        }
    }

    @Test
    void scrapedSamplesArriveExactlyWithTheirLabelsAndNoneFail() throws IOException {
        startPrometheus(tidemarkPort);
        awaitStored(500);
        Await.pause(10_000); // some history for both jobs
        long end = System.currentTimeMillis() - SETTLE_MILLIS;

        RawSamples expected = awaitStoredEqualsScraped("prometheus|tidemark", end);

        String prometheusInstance = "127.0.0.1:" + prometheus.port();
        String tidemarkInstance = "127.0.0.1:" + tidemarkPort;
        assertSeriesStored(expected, series("up", "prometheus", prometheusInstance));
        assertSeriesStored(expected, series("up", "tidemark", tidemarkInstance));
        assertSeriesStored(expected, series("prometheus_tsdb_head_series", "prometheus", prometheusInstance));
        RawSamples.Series tidemarkCounter = expected.bySeries().keySet().stream()
                .filter(s -> s.name().equals("tidemark_http_requests_seconds_count")
                        && "/metrics".equals(s.labels().get("route")))
                .findFirst().orElseThrow(() -> new AssertionError("Prometheus scraped no"
                        + " tidemark_http_requests_seconds_count{route=\"/metrics\"}; series: "
                        + expected.bySeries().keySet()));
        assertSeriesStored(expected, tidemarkCounter);
        assertThat(tidemarkCounter.labels()).containsEntry("job", "tidemark").containsEntry("instance",
                tidemarkInstance).containsEntry(EXTERNAL_LABEL, EXTERNAL_VALUE).containsKeys("method", "status");

        // The read-back SQL a user would type (README): sensor = __name__, metric 'value', the labels as tags.
        List<List<String>> up = database.queryRows("""
                SELECT sensor, metric, tags::text, value FROM readings_v
                WHERE sensor = 'up' AND tags @> '{"job": "prometheus"}' ORDER BY ts LIMIT 1""");
        assertThat(up).containsExactly(List.of("up", "value", "{\"job\": \"prometheus\", \"monitor\": \"it\","
                + " \"instance\": \"" + prometheusInstance + "\"}", "1"));
        assertThat(database.queryLong("SELECT count(*) FROM readings_v WHERE metric <> 'value'"))
                .as("readings stored under another metric than 'value'").isZero();

        RemoteWriteCounters counters = prometheus.remoteWriteCounters();
        PrometheusText own = PrometheusText.parse(new TidemarkClient("127.0.0.1", tidemarkPort).metrics().body());
        System.out.println("Prometheus remote write, steady state: " + counters + "; Tidemark: "
                + own.samplesStartingWith("tidemark_remote_write_samples_") + ", "
                + own.samples("tidemark_readings_skipped_total", Map.of()));
        assertThat(counters.failed()).as("samples Prometheus failed to send for good (%s)", counters).isZero();
        assertThat(counters.dropped()).as("samples Prometheus dropped (%s)", counters).isZero();
        assertWriteNeedsTheWriteToken();
    }

    /**
     * First Tidemark's answers are lost on the way back (requests still arrive and commit), then Tidemark is killed
     * (SIGKILL) and restarted on its port a few seconds later. Prometheus resends the unanswered batches (their bodies
     * were stored: Tidemark must see them as replays) and everything scraped meanwhile, from its WAL: {@code up} 0
     * for Tidemark while it was down, and the staleness markers of its series (skipped, counted).
     */
    @Test
    void tidemarkKilledAndRestartedMidStreamLosesAndDoublesNothing(Random random) throws IOException {
        proxy = TcpProxy.to(new InetSocketAddress("127.0.0.1", tidemarkPort));
        startPrometheus(proxy.address().getPort());
        awaitStored(500);
        Await.pause(2_000 + random.nextInt(1_000)); // a moment in the stream no test run shares
        RemoteWriteCounters beforeFault = prometheus.remoteWriteCounters();
        long rowsBeforeFault = storedRows();

        proxy.dropReplies();
        Await.pause(1_500); // Prometheus sends a batch every second or so; each is committed, its 204 lost
        long committedUnanswered = storedRows() - rowsBeforeFault;
        proxy.cut(); // Prometheus sees its connections reset, and new ones refused
        tidemark.close(); // SIGKILL: no graceful shutdown
        int exit = tidemark.awaitExit(Duration.ofSeconds(10));
        long killedMillis = System.currentTimeMillis();
        assertThat(committedUnanswered).as("readings committed while their answers were lost").isPositive();
        Await.until("Prometheus to retry against the dead Tidemark", () -> prometheus.remoteWriteCounters(),
                c -> c.retried() > beforeFault.retried());
        Await.pause(Math.max(0, killedMillis + 3_000 - System.currentTimeMillis()));
        tidemark = ServerProcess.launch(database, tidemarkPort, TIDEMARK_CONFIG, Map.of()).awaitListening();
        RemoteWriteCounters duringOutage = prometheus.remoteWriteCounters();
        proxy.restore();
        long restartedMillis = System.currentTimeMillis();
        System.out.printf("Tidemark killed (exit %d) %d readings after answers began to be lost; outage %d ms;"
                + " before the fault: %s; at restart: %s%n", exit, committedUnanswered, restartedMillis - killedMillis,
                beforeFault, duringOutage);

        awaitStored(storedRows() + 500);
        Await.pause(Math.max(0, restartedMillis + 3_000 + SETTLE_MILLIS - System.currentTimeMillis()));
        long end = System.currentTimeMillis() - SETTLE_MILLIS;
        RawSamples expected = awaitStoredEqualsScraped("prometheus|tidemark", end);

        assertThat(expected.newestMicros()).as("the window ends after the restart")
                .isGreaterThan(restartedMillis * 1000);
        assertThat(expected.bySeries().get(series("up", "tidemark", "127.0.0.1:" + tidemarkPort)))
                .as("up of Tidemark (stored exactly so, as compared above)").containsValue(List.of(0.0));
        double staleMarkers = tidemarkMetric("tidemark_readings_skipped_total", Map.of("reason", "stale_marker"));
        assertThat(staleMarkers).as("staleness markers of Tidemark's series, sent after it came back").isPositive();
        assertThat(database.queryLong("""
                SELECT count(*) FROM (SELECT 1 FROM readings_v GROUP BY sensor, metric, tags, ts
                HAVING count(*) > 1) doubled"""))
                .as("(series, ts) stored more than once, either job").isZero();
        double replayed = tidemarkMetric("tidemark_remote_write_samples_replayed_total", Map.of());
        RemoteWriteCounters after = prometheus.remoteWriteCounters();
        System.out.printf("Prometheus remote write, after the restart: %s; Tidemark since its restart: %.0f samples"
                + " stored, %.0f replayed (resent, stored before), %.0f staleness markers skipped%n", after,
                tidemarkMetric("tidemark_remote_write_samples_stored_total", Map.of()), replayed, staleMarkers);
        assertThat(after.failed()).as("samples Prometheus failed to send for good (%s)", after).isZero();
        assertThat(after.dropped()).as("samples Prometheus dropped (%s)", after).isZero();
        assertThat(after.retried()).as("samples retried (the outage was felt)").isGreaterThan(beforeFault.retried());
        assertThat(replayed).as("samples Prometheus resent whose first sending was committed unanswered")
                .isPositive();
    }

    /**
     * Waits until Tidemark's readings of the jobs matching {@code jobs} (a regex) equal, sample for sample, the raw
     * samples Prometheus holds for them from its start until {@code endMillis} (exclusive; finite values only, the
     * external label added), and returns those; fails listing the differences if they do not become equal.
     */
    private RawSamples awaitStoredEqualsScraped(String jobs, long endMillis) {
        long startMillis = prometheusStartedMillis - 1_000;
        String selector = "{job=~\"" + jobs + "\"}[" + (endMillis - startMillis) + "ms]";
        RawSamples expected = prometheus.rawSamples(selector, endMillis).withLabel(EXTERNAL_LABEL, EXTERNAL_VALUE)
                .finiteWhere(micros -> micros < endMillis * 1000);
        assertThat(expected.sampleCount()).as("samples Prometheus holds for %s", selector).isGreaterThan(100);
        long deadline = System.nanoTime() + DELIVERY_PATIENCE.toNanos();
        List<String> differences;
        while (true) {
            RawSamples stored = new RawSamples();
            for (String job : jobs.split("\\|")) {
                StoredSamples.ofJob(database, job, startMillis * 1000, endMillis * 1000).bySeries()
                        .forEach((series, points) -> points.forEach((micros, values) ->
                                values.forEach(value -> stored.add(series, micros, value))));
            }
            differences = expected.differencesFrom(stored);
            boolean onlyMissing = differences.stream().allMatch(d -> d.startsWith("missing"));
            if (differences.isEmpty() || !onlyMissing || System.nanoTime() > deadline) break;
            Await.pause(250); // remote write is still catching up
        }
        System.out.printf("compared %d series, %d samples of job %s until %d ms: %d differences%n",
                expected.seriesCount(), expected.sampleCount(), jobs, endMillis, differences.size());
        assertThat(differences.subList(0, Math.min(30, differences.size())))
                .as("how readings_v differs from Prometheus' raw samples (%d differences, first 30)",
                        differences.size()).isEmpty();
        return expected;
    }

    private void assertSeriesStored(RawSamples expected, RawSamples.Series series) {
        assertThat(expected.bySeries()).as("Prometheus' samples of %s", series).containsKey(series);
        assertThat(expected.bySeries().get(series)).as("samples of %s in the window", series).hasSizeGreaterThan(5);
    }

    private RawSamples.Series series(String name, String job, String instance) {
        SortedMap<String, String> labels = new TreeMap<>(Map.of("job", job, "instance", instance,
                EXTERNAL_LABEL, EXTERNAL_VALUE));
        return new RawSamples.Series(name, labels);
    }

    /** The route refuses a request without a credential (401) or with a token lacking scope write (403). */
    private void assertWriteNeedsTheWriteToken() {
        TidemarkClient api = new TidemarkClient("127.0.0.1", tidemarkPort);
        HttpRequest.Builder write = HttpRequest.newBuilder(api.uri("/api/v1/write")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                .POST(HttpRequest.BodyPublishers.noBody());
        HttpResponse<String> anonymous = api.send(write.copy().build());
        assertThat(anonymous.statusCode()).as("a write without a credential: %s", anonymous.body()).isEqualTo(401);
        String metricsOnly = createToken("scrape-only", "[\"metrics\"]");
        HttpResponse<String> forbidden = api.send(write.copy().header("Authorization", "Bearer " + metricsOnly)
                .build());
        assertThat(forbidden.statusCode()).as("a write with a metrics token: %s", forbidden.body()).isEqualTo(403);
    }

    /** Creates a token through the admin API, as an operator does, and returns its secret. */
    private String createToken(String name, String scopes) {
        TidemarkClient api = new TidemarkClient("127.0.0.1", tidemarkPort);
        HttpResponse<String> answer = api.send(HttpRequest.newBuilder(api.uri("/admin/tokens"))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + TestServer.ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"" + name + "\", \"scopes\": " + scopes + "}"))
                .build());
        assertThat(answer.statusCode()).as("POST /admin/tokens: %s", answer.body()).isEqualTo(201);
        return TidemarkClient.json(answer).path("secret").asText();
    }

    /**
     * Waits until {@code readings_v} holds at least {@code rows} readings; fails at once when Prometheus counts a
     * sample failed or dropped (it never sends those again).
     */
    private long awaitStored(long rows) {
        return Await.until("Tidemark to store " + rows + " readings from Prometheus", () -> {
            RemoteWriteCounters counters = prometheus.remoteWriteCounters();
            assertThat(counters.failed()).as("samples Prometheus failed to send for good (%s)", counters).isZero();
            assertThat(counters.dropped()).as("samples Prometheus dropped (%s)", counters).isZero();
            return storedRows();
        }, stored -> stored >= rows);
    }

    /** A sample of Tidemark's own {@code /metrics} (summed over those with these labels), with the admin token. */
    private double tidemarkMetric(String name, Map<String, String> labels) {
        return PrometheusText.parse(new TidemarkClient("127.0.0.1", tidemarkPort).metrics().body()).sum(name, labels);
    }

    private long storedRows() {
        return database.queryLong("SELECT count(*) FROM readings_v");
    }

    private String safeCounters() {
        try {
            return prometheus.remoteWriteCounters().toString();
        } catch (RuntimeException | AssertionError e) {
            return "(unreadable: " + e + ")";
        }
    }
}
