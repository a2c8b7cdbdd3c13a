package io.tidemark.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.config.AlertRuleConfig;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.config.WebhookConfig;
import io.tidemark.testing.Metrics;
import io.tidemark.testing.Poll;
import io.tidemark.testing.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Alerts across restarts, and a webhook nobody answers. */
@Timeout(300)
class AlertLifecycleIT {
    private static final AlertRuleConfig HOT =
            new AlertRuleConfig("hot", "boiler-*", "temperature", 90.0, null, null, null, null, null, null, null);

    @Test
    void openAlertIsResumedAfterARestartAndResolvesThen() throws IOException {
        String deadWebhook = "http://127.0.0.1:" + freePort() + "/hook";
        UnaryOperator<TidemarkConfig> config = c -> c.withAlerts(c.alerts().withRules(List.of(HOT))
                .withWebhook(new WebhookConfig(deadWebhook, Duration.ofSeconds(2), 3, Duration.ofMillis(10), null)));
        Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60);
        TestServer first = TestServer.start(config);
        try {
            postBoilerTemperature(first, t, 95);
            postBoilerTemperature(first, t.plusSeconds(1), 97);
            Poll.until("the alert is stored", () -> first.queryLong("SELECT count(*) FROM alerts") == 1);
            Poll.until("the dead webhook is given up on after 3 attempts", () ->
                    Metrics.value(first, "tidemark_webhook_deliveries_total{outcome=\"failed\"}") == 1);
            assertThat(Metrics.value(first, "tidemark_webhook_retries_total")).isEqualTo(2);
            first.stopServer();

            try (TestServer second = TestServer.attach(first.database(), config)) {
                postBoilerTemperature(second, t.plusSeconds(2), 99);
                postBoilerTemperature(second, t.plusSeconds(3), 20);
                Poll.until("the resumed alert resolves", () -> second.queryLong(
                        "SELECT count(*) FROM alerts WHERE resolution = 'cleared'") == 1);
                assertThat(second.queryLong("SELECT count(*) FROM alerts")).as("no second firing after the restart")
                        .isEqualTo(1);
                assertThat(second.queryLong("SELECT count(*) FROM alerts WHERE value = 95 AND resolved_value = 20"))
                        .isEqualTo(1);
            }
        } finally {
            first.close();
        }
    }

    @Test
    void openAlertOfARuleThisNodeDoesNotRunStaysOpenUntilTheRuleIsRetired() {
        TestServer first = TestServer.start(c -> c.withAlerts(c.alerts().withRules(List.of(HOT))));
        try {
            postBoilerTemperature(first, Instant.now().minusSeconds(5), 95);
            Poll.until("the alert is stored", () -> first.queryLong("SELECT count(*) FROM alerts") == 1);
            first.stopServer();
            try (TestServer other = TestServer.attach(first.database(), UnaryOperator.identity())) {
                assertThat(other.queryLong("SELECT count(*) FROM alerts WHERE resolved_at IS NULL"))
                        .as("open alerts while a node without the rule runs (another node may still run it)")
                        .isEqualTo(1);
            }
            try (TestServer retiring = TestServer.attach(first.database(),
                    c -> c.withAlerts(c.alerts().withRetiredRules(List.of("hot"))))) {
                assertThat(retiring.queryLong("SELECT count(*) FROM alerts WHERE resolution = 'rule_removed'"
                        + " AND resolved_at IS NOT NULL AND resolved_ts IS NULL")).isEqualTo(1);
                assertThat(retiring.get("/api/v1/alerts?state=open").body()).contains("\"alerts\":[]");
            }
        } finally {
            first.close();
        }
    }

    private static void postBoilerTemperature(TestServer server, Instant ts, double value) {
        server.api().postReading("boiler-1", "temperature", ts, value);
    }

    /** A port nothing listens on: connections to it are refused at once. */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
