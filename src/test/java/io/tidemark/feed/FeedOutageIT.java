package io.tidemark.feed;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.testing.Bodies;
import io.tidemark.testing.Poll;
import io.tidemark.testing.SseClient;
import io.tidemark.testing.TidemarkServerExtension;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The database goes away under a running node (every connection reset, new ones refused, by a proxy in front of
 * PostgreSQL) and comes back: the feed follower and the alert rules' session reconnect by themselves, so a stream
 * client that stayed connected to the node gets every reading committed after the outage, in order, and a rule
 * part-way before the outage fires once after it.
 */
@Timeout(120)
class FeedOutageIT {
    @RegisterExtension
    static final TidemarkServerExtension server = TidemarkServerExtension.behindProxy("""
            database:
              connection_timeout: 500ms
            ingest:
              commit_timeout: 2s
            alerts:
              rules:
                - name: outage-hot
                  sensor: outage-*
                  metric: temperature
                  above: 90
                  for_readings: 3
            """);

    @Test
    void streamAndAlertsGoOnAfterTheDatabaseComesBack() throws Exception {
        Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60);
        try (SseClient stream = SseClient.open(server.get(), "sensor=outage-*")) {
            post(t, 95);
            post(t.plusSeconds(1), 96);
            assertThat(values(stream, 2)).containsExactly("95.0", "96.0");

            server.proxy().cut();
            Thread.sleep(2_000); // long enough for the follower and the rules' session to notice
            server.proxy().restore();

            Poll.until("the node takes writes again", () -> server.api().postReadings(Bodies.JSON,
                    "{\"sensor\":\"probe\",\"metric\":\"x\",\"value\":1}").statusCode() == 200);
            post(t.plusSeconds(2), 97);
            post(t.plusSeconds(3), 20);
            List<String> after = new ArrayList<>();
            while (after.size() < 4) {
                SseClient.Event e = stream.next();
                after.add(e.name().equals("reading") ? e.json().get("value").asText() : e.json().get("event").asText());
            }
            // An alert event is in the feed where it was stored, after the reading that caused it (perhaps after
            // later readings too).
            assertThat(after).as("on the same connection").containsExactlyInAnyOrder("97.0", "fired", "20.0",
                    "resolved");
            assertThat(after.indexOf("97.0")).isLessThan(after.indexOf("fired"));
            assertThat(after.indexOf("fired")).isLessThan(after.indexOf("resolved"));
            assertThat(after.indexOf("20.0")).isLessThan(after.indexOf("resolved"));
        }
        assertThat(server.get().queryLong("SELECT count(*) FROM alerts WHERE rule = 'outage-hot'"
                + " AND value = 97 AND resolved_value = 20")).isEqualTo(1);
        assertThat(server.get().queryLong("SELECT count(*) FROM alerts WHERE rule = 'outage-hot'")).isEqualTo(1);
    }

    private static void post(Instant ts, double value) {
        server.api().postReading("outage-1", "temperature", ts, value);
    }

    private static List<String> values(SseClient stream, int n) {
        List<String> values = new ArrayList<>();
        while (values.size() < n) values.add(stream.next("reading").json().get("value").asText());
        return values;
    }
}
