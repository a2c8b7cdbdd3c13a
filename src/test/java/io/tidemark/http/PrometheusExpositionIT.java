package io.tidemark.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tidemark.testing.PrometheusText;
import io.tidemark.testing.TidemarkServerExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /metrics} as Prometheus itself sees it: {@code promtool check metrics} finds nothing to say about
 * Tidemark's metrics, job metrics do not clash with the {@code job} target label, request latency has buckets, and a
 * job's freshness lag is a number that grows while the job does not run.
 */
class PrometheusExpositionIT {
    /**
     * The shipped jobs, loaded but never run on a schedule (they stall for as long as a test likes), and an alert
     * rule with a webhook, so that every metric Tidemark has is exposed.
     */
    @RegisterExtension
    static final TidemarkServerExtension server = TidemarkServerExtension.withConfig("""
            jobs:
              path: jobs
              enabled: false
            alerts:
              rules:
                - name: expo-high
                  sensor: expo-*
                  metric: t
                  above: 0
              webhook:
                url: http://127.0.0.1:9/unreachable
            """);

    private static final List<String> INCREMENTAL_JOBS = List.of("rollup_1m", "rollup_1h", "rollup_1d");

    private static String scrapeText() {
        HttpResponse<String> response = server.api().metrics();
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** Some traffic, so that request, ingest and job metrics all have samples. */
    private static void someTraffic() {
        assertThat(server.api().postReading("expo-1", "t", Instant.now(), 1).statusCode()).isEqualTo(200);
        assertThat(server.api().postReadings("application/json", "{\"sensor\":1}").statusCode()).isEqualTo(400);
        assertThat(server.get("/api/v1/series").statusCode()).isEqualTo(200);
        assertThat(server.get("/no/such/route").statusCode()).isEqualTo(404);
        assertThat(server.admin("POST", "/admin/jobs/silent_sensors/run", null).statusCode()).isEqualTo(200);
    }

    @Test
    void promtoolFindsNoProblemInTidemarksMetrics() throws Exception {
        assumeTrue(promtoolOnPath(), "promtool is not on PATH (Debian: apt-get install prometheus; .ci/run does)");
        someTraffic();

        String exposition = scrapeText();
        List<String> problems = promtoolCheck(exposition);

        PrometheusText metrics = PrometheusText.parse(exposition);
        assertThat(List.of("tidemark_http_requests_seconds_bucket", "tidemark_job_freshness_lag_seconds",
                "tidemark_alerts_fired_total", "tidemark_webhook_queue", "tidemark_ingest_refused_total",
                "tidemark_stream_clients")).as("checked metrics").allMatch(metrics::has);

        // Every line promtool prints names a metric; the JVM, process and pool metrics come from Micrometer's and
        // HikariCP's binders, whose names are theirs, not ours, so only Tidemark's own are held to it.
        assertThat(problems).as("promtool check metrics").filteredOn(p -> p.startsWith("tidemark_")).isEmpty();
    }

    @Test
    void jobMetricsNameTheJobWithoutClashingWithThePrometheusJobLabel() {
        someTraffic();
        PrometheusText metrics = PrometheusText.parse(scrapeText());

        assertThat(metrics.samples("tidemark_job_runs_seconds_count", Map.of("job_name", "silent_sensors")))
                .isNotEmpty();
        for (String job : INCREMENTAL_JOBS) {
            assertThat(metrics.samples("tidemark_job_freshness_lag_seconds", Map.of("job_name", job))).hasSize(1);
        }
        List<String> clashing = metrics.samplesStartingWith("tidemark_").stream()
                .filter(s -> s.labels().containsKey("job")).map(PrometheusText.Sample::name).distinct().toList();
        assertThat(clashing).as("metrics with a `job` label, renamed exported_job by Prometheus").isEmpty();
    }

    @Test
    void freshnessLagIsANumberBeforeTheFirstRunAndGrowsWhileTheJobStalls() throws InterruptedException {
        double before = freshnessLag("rollup_1m");
        Thread.sleep(1_100);
        double after = freshnessLag("rollup_1m");

        assertThat(before).as("lag of a job that never ran").isFinite().isPositive();
        assertThat(after).as("the lag a second later, the job still not run").isGreaterThanOrEqualTo(before + 1.0);
    }

    @Test
    void requestLatencyHasHistogramBucketsByRouteTemplate() {
        someTraffic();
        PrometheusText metrics = PrometheusText.parse(scrapeText());

        List<PrometheusText.Sample> buckets = metrics.samples("tidemark_http_requests_seconds_bucket",
                Map.of("method", "POST", "route", "/api/v1/readings", "status", "200"));
        assertThat(buckets).as("buckets of POST /api/v1/readings 200").hasSizeGreaterThan(5);
        assertThat(buckets).anySatisfy(b -> assertThat(b.labels()).containsEntry("le", "+Inf"));
        assertThat(metrics.samples("tidemark_http_requests_seconds_count",
                Map.of("route", "/admin/jobs/{name}/run"))).as("the route template, not the path").isNotEmpty();
        assertThat(metrics.samples("tidemark_http_requests_seconds_count", Map.of("route", "unmatched")))
                .as("a request no route matched").isNotEmpty();
        assertThat(metrics.samples("tidemark_http_requests_seconds_count", Map.of()).stream()
                .map(s -> s.labels().get("route"))).doesNotContain("/no/such/route");
    }

    private static double freshnessLag(String job) {
        return PrometheusText.parse(scrapeText()).sum("tidemark_job_freshness_lag_seconds", Map.of("job_name", job));
    }

    private static boolean promtoolOnPath() {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> new java.io.File(dir, "promtool").canExecute());
    }

    /** {@code promtool check metrics} on {@code exposition}: the problems it reports, one a line. */
    private static List<String> promtoolCheck(String exposition) throws IOException, InterruptedException {
        Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = promtool.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("promtool stopped reading its input", e);
        }
        String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        System.out.println("promtool check metrics said:\n" + output);
        return output.lines().filter(line -> !line.isBlank()).toList();
    }
}
