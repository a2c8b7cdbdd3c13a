package io.tidemark.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.config.AlertRuleConfig;
import io.tidemark.config.WebhookConfig;
import io.tidemark.testing.Metrics;
import io.tidemark.testing.Poll;
import io.tidemark.testing.SseClient;
import io.tidemark.testing.TidemarkClient;
import io.tidemark.testing.TidemarkServerExtension;
import io.tidemark.testing.WebhookReceiver;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Alert rules on ingest, seen where a user sees them: the alerts table, the stream, the webhook, GET /api/v1/alerts.
 */
@Timeout(300)
class AlertsIT {
    private static final int WEBHOOK_QUEUE = 3;
    /** Closed after the extension closes the server (built-in extensions wrap registered ones). */
    @AutoClose
    private static final WebhookReceiver webhook = new WebhookReceiver();
    @RegisterExtension
    static final TidemarkServerExtension server = TidemarkServerExtension.with(c -> c.withAlerts(c.alerts()
            .withRules(List.of(
                    new AlertRuleConfig("hot", "boiler-*", "temperature", 90.0, null, null, 2, null, "critical",
                            "boiler above 90", null),
                    new AlertRuleConfig("cold", "boiler-*", "temperature", null, 0.0, null, null, null, null, null,
                            null),
                    new AlertRuleConfig("tank-range", "tank-*", "level", null, null, List.of(10.0, 90.0), null,
                            null, "info", null, null)))
            .withWebhook(new WebhookConfig(webhook.url(), Duration.ofSeconds(20), 3, Duration.ofMillis(10),
                    WEBHOOK_QUEUE))));

    @Test
    void longExcursionFiresOnceAndResolvesInTableStreamAndWebhook() {
        Instant base = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60);
        try (SseClient stream = SseClient.open(server.get(), "events=alerts&sensor=boiler-1")) {
            double[] values = {85, 95, 96, 97, 99, 80};
            for (int i = 0; i < values.length; i++) {
                server.api().postReading("boiler-1", "temperature", base.plusSeconds(i), values[i]);
            }

            JsonNode fired = stream.next("alert").json();
            assertThat(fired.get("event").asText()).isEqualTo("fired");
            assertThat(fired.get("state").asText()).isEqualTo("open");
            assertThat(fired.get("rule").asText()).isEqualTo("hot");
            assertThat(fired.get("severity").asText()).isEqualTo("critical");
            assertThat(fired.get("message").asText()).isEqualTo("boiler above 90");
            assertThat(fired.get("value").asDouble()).as("the second reading above 90 fires it").isEqualTo(96);
            assertThat(Instant.parse(fired.get("ts").asText())).isEqualTo(base.plusSeconds(2));
            String id = fired.get("id").asText();
            assertThat(server.queryLong("SELECT count(*) FROM alerts WHERE id = '" + id + "'"))
                    .as("an alert is streamed only once its row is stored").isEqualTo(1);

            JsonNode resolved = stream.next("alert").json();
            assertThat(resolved.get("event").asText()).isEqualTo("resolved");
            assertThat(resolved.get("id").asText()).isEqualTo(id);
            assertThat(resolved.get("resolution").asText()).isEqualTo("cleared");
            assertThat(resolved.get("resolved_value").asDouble()).isEqualTo(80);
            assertThat(Instant.parse(resolved.get("resolved_ts").asText())).isEqualTo(base.plusSeconds(5));

            assertThat(server.queryLong("SELECT count(*) FROM alerts_v WHERE sensor = 'boiler-1'"))
                    .as("four readings above 90 make one alert").isEqualTo(1);
            assertThat(server.queryLong("SELECT count(*) FROM alerts_v WHERE sensor = 'boiler-1' AND rule = 'hot'"
                    + " AND value = 96 AND resolved_value = 80 AND resolution = 'cleared'"
                    + " AND ts = '" + base.plusSeconds(2) + "' AND resolved_ts = '" + base.plusSeconds(5) + "'"
                    + " AND resolved_at >= fired_at")).isEqualTo(1);

            JsonNode listed = server.getJson("/api/v1/alerts?sensor=boiler-1").get("alerts");
            assertThat(listed).hasSize(1);
            assertThat(listed.get(0)).isEqualTo(withoutEvent(resolved));

            List<JsonNode> posted = webhookEventsFor(id, 2);
            assertThat(posted.get(0)).isEqualTo(fired);
            assertThat(posted.get(1)).isEqualTo(resolved);
        }
        assertThat(Metrics.value(server.get(), "tidemark_alerts_fired_total{severity=\"critical\"}"))
                .isGreaterThanOrEqualTo(1);
        assertThat(Metrics.value(server.get(), "tidemark_alerts_resolved_total")).isGreaterThanOrEqualTo(1);
        assertThat(Metrics.value(server.get(), "tidemark_webhook_deliveries_total{outcome=\"delivered\"}"))
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void alertsCanBeListedByStateSensorMetricRuleAndTime() {
        Instant before = Instant.now().minusSeconds(1);
        Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(30);
        server.api().postReading("tank-1", "level", t, 5);                 // fires tank-range, stays open
        server.api().postReading("tank-2", "level", t.plusSeconds(1), 95); // fires tank-range ...
        server.api().postReading("tank-2", "level", t.plusSeconds(2), 50); // ... and resolves it
        server.api().postReading("boiler-q", "temperature", t, -5);        // fires cold, stays open
        Poll.until("four alert changes stored", () -> server.queryLong(
                "SELECT count(*) FROM alerts_v WHERE sensor IN ('tank-1', 'tank-2', 'boiler-q')") == 3
                && server.queryLong(
                        "SELECT count(*) FROM alerts_v WHERE sensor = 'tank-2' AND resolved_at IS NOT NULL") == 1);

        assertThat(sensors("/api/v1/alerts?state=open&sensor=tank-*")).containsExactly("tank-1");
        assertThat(sensors("/api/v1/alerts?state=resolved&sensor=tank-?")).containsExactly("tank-2");
        assertThat(sensors("/api/v1/alerts?sensor=tank-*&metric=lev*")).containsExactly("tank-2", "tank-1");
        assertThat(sensors("/api/v1/alerts?rule=cold&sensor=boiler-q")).containsExactly("boiler-q");
        assertThat(sensors("/api/v1/alerts?sensor=tank-*&since=" + before)).containsExactly("tank-2", "tank-1");
        assertThat(sensors("/api/v1/alerts?sensor=tank-*&since=" + Instant.now().plusSeconds(3600).toEpochMilli()))
                .isEmpty();
        JsonNode one = server.getJson("/api/v1/alerts?sensor=tank-*&limit=1");
        assertThat(one.get("alerts")).hasSize(1);
        assertThat(one.get("truncated").asBoolean()).isTrue();
        JsonNode open = server.getJson("/api/v1/alerts?state=open&sensor=tank-1");
        assertThat(open.get("alerts").get(0).get("message").asText())
                .isEqualTo("level outside [10, 90]");

        HttpResponse<String> bad = server.get("/api/v1/alerts?state=closed&since=soon&limit=0&rule=&sensors=x");
        assertThat(bad.statusCode()).isEqualTo(400);
        List<String> named = new ArrayList<>();
        TidemarkClient.json(bad).get("details").forEach(d -> named.add(d.get("parameter").asText()));
        assertThat(named).containsExactlyInAnyOrder("state", "since", "limit", "rule", "sensors");
    }

    /** The alerts table fails writes with a retriable error for a while: the alert is stored once it recovers. */
    @Test
    void alertIsStoredThroughADatabaseHiccup() {
        execute("""
                CREATE TABLE hiccup (on_ boolean);
                CREATE FUNCTION fail_alert_writes() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF EXISTS (SELECT 1 FROM hiccup) THEN
                    RAISE EXCEPTION 'simulated hiccup' USING ERRCODE = '40001';
                  END IF;
                  RETURN NEW;
                END $$;
                CREATE TRIGGER alerts_hiccup BEFORE INSERT OR UPDATE ON alerts
                  FOR EACH ROW EXECUTE FUNCTION fail_alert_writes();
                INSERT INTO hiccup VALUES (true);""");
        try (SseClient stream = SseClient.open(server.get(), "events=alerts&sensor=boiler-h")) {
            double retriesBefore = Metrics.value(server.get(), "tidemark_alerts_store_failures_total");
            Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(10);
            server.api().postReading("boiler-h", "temperature", t, -1);
            Poll.until("the store retries", () ->
                    Metrics.value(server.get(), "tidemark_alerts_store_failures_total") >= retriesBefore + 2);
            assertThat(server.queryLong("SELECT count(*) FROM alerts_v WHERE sensor = 'boiler-h'")).isZero();
            assertThat(stream.poll()).as("not streamed before it is stored").isNull();

            execute("DELETE FROM hiccup");
            assertThat(stream.next("alert").json().get("event").asText()).isEqualTo("fired");
            assertThat(server.queryLong("SELECT count(*) FROM alerts_v WHERE sensor = 'boiler-h' AND rule = 'cold'"))
                    .isEqualTo(1);
        } finally {
            execute("DROP TRIGGER alerts_hiccup ON alerts; DROP FUNCTION fail_alert_writes(); DROP TABLE hiccup");
        }
    }

    /**
     * The webhook stalls on its first request: ingest and storing go on, events beyond the webhook queue are dropped
     * and counted, and delivery resumes when the webhook does.
     */
    @Test
    void stalledWebhookNeitherBlocksIngestNorStoring() {
        double droppedBefore = Metrics.value(server.get(), "tidemark_webhook_deliveries_total{outcome=\"dropped\"}");
        int requestsBefore = webhook.requests();
        webhook.stall();
        try {
            Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60);
            int cycles = 6;
            for (int i = 0; i < cycles; i++) {
                server.api().postReading("boiler-s", "temperature", t.plusSeconds(3 * i), 95);
                server.api().postReading("boiler-s", "temperature", t.plusSeconds(3 * i + 1), 96);
                server.api().postReading("boiler-s", "temperature", t.plusSeconds(3 * i + 2), 50);
            }
            Poll.until("every alert stored while the webhook stalls", () -> server.queryLong(
                    "SELECT count(*) FROM alerts_v WHERE sensor = 'boiler-s' AND resolution = 'cleared'") == cycles);
            Poll.until("the webhook has its first request", () -> webhook.requests() > requestsBefore);
            Poll.until("events beyond the webhook queue are dropped", () -> Metrics.value(server.get(),
                    "tidemark_webhook_deliveries_total{outcome=\"dropped\"}")
                    >= droppedBefore + 2 * cycles - 1 - WEBHOOK_QUEUE);
        } finally {
            webhook.release();
        }
        Poll.until("the webhook catches up", () -> Metrics.value(server.get(), "tidemark_webhook_queue") == 0);
    }

    private static List<JsonNode> webhookEventsFor(String id, int count) {
        List<JsonNode> found = new ArrayList<>();
        while (found.size() < count) {
            JsonNode body = webhook.next();
            if (body.get("id").asText().equals(id)) found.add(body);
        }
        return found;
    }

    private static JsonNode withoutEvent(JsonNode event) {
        var copy = event.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) copy).remove("event");
        return copy;
    }

    private static List<String> sensors(String path) {
        List<String> sensors = new ArrayList<>();
        server.getJson(path).get("alerts").forEach(a -> sensors.add(a.get("sensor").asText()));
        return sensors;
    }

    private static void execute(String sql) {
        server.execute(sql);
    }
}
