package io.tidemark.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tidemark.alerts.Alert;
import io.tidemark.alerts.AlertEvent;
import io.tidemark.config.StreamConfig;
import io.tidemark.names.Tags;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StreamSubscriptionTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StreamHub hub = new StreamHub(new StreamConfig(2, 5, StreamConfig.MAX_HEARTBEAT), registry);

    @Test
    void overflowSkipsReadingsAndSaysHowManyAfterTheOnesSent() throws IOException {
        StreamSubscription s = hub.subscribe(Map.of());
        assertThat(s.offer(batch("a", 3))).isZero();
        assertThat(s.offer(batch("b", 4))).as("room for 2 of 4").isEqualTo(2);
        assertThat(s.offer(batch("c", 1))).isEqualTo(1);
        assertThat(s.offer(alert("a"))).isFalse();

        String sse = pumpOnce(s);
        assertThat(events(sse, "reading")).containsExactly("a-0", "a-1", "a-2", "b-0", "b-1");
        assertThat(sse).containsSubsequence("event: reading", "event: alert", "event: skipped");
        assertThat(sse).contains("\"readings\":3,\"alerts\":0");
    }

    @Test
    void filterAppliesToReadingsAndAlerts() throws IOException {
        StreamSubscription s = hub.subscribe(Map.of("sensor", List.of("b*"), "metric", List.of("m")));
        s.offer(batch("a", 1));
        s.offer(batch("b", 2));
        s.offer(alert("a"));
        s.offer(alert("b"));
        String sse = pumpOnce(s);
        assertThat(events(sse, "reading")).containsExactly("b-0", "b-1");
        assertThat(sse.split("event: alert", -1)).hasSize(2);
        assertThat(sse).contains("\"sensor\":\"b\"").doesNotContain("skipped");
    }

    @Test
    void alertsOnlyClientGetsNoReadings() throws IOException {
        StreamSubscription s = hub.subscribe(Map.of("events", List.of("alerts")));
        assertThat(s.wantsReadings()).isFalse();
        s.offer(alert("x"));
        assertThat(pumpOnce(s)).contains("event: alert");
    }

    @Test
    void theHubRefusesClientsBeyondTheLimitAndCountsDrops() {
        StreamSubscription first = hub.subscribe(Map.of());
        hub.subscribe(Map.of());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> hub.subscribe(Map.of()))
                .isInstanceOf(StreamUnavailableException.class).hasMessageContaining("stream.max_clients");
        first.close();
        hub.subscribe(Map.of());
        assertThat(registry.get("tidemark.stream.clients").gauge().value()).isEqualTo(2);
        assertThat(registry.get("tidemark.stream.clients.rejected").counter().count()).isEqualTo(1);
    }

    /** Runs the pump until it has flushed the ready event and one batch of events, then closes the subscription. */
    private static String pumpOnce(StreamSubscription s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream() {
            int flushes;

            @Override
            public void flush() {
                if (++flushes == 2) s.close();
            }
        };
        s.pump(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static List<String> events(String sse, String name) {
        return Arrays.stream(sse.split("\n\n")).filter(e -> e.startsWith("event: " + name + "\n"))
                .map(e -> e.replaceAll("(?s).*\"sensor\":\"([^\"]*)\".*\"value\":(\\d+).*", "$1-$2")).toList();
    }

    private static ReadingBatch batch(String sensor, int count) {
        return ReadingBatch.of(IntStream.range(0, count).mapToObj(i -> sensor).toArray(String[]::new),
                IntStream.range(0, count).mapToObj(i -> "m").toArray(String[]::new),
                IntStream.range(0, count).mapToLong(i -> i).toArray(),
                IntStream.range(0, count).mapToDouble(i -> i).toArray());
    }

    private static AlertEvent alert(String sensor) {
        return new AlertEvent(AlertEvent.Kind.FIRED, new Alert(UUID.randomUUID(), "r", 1, sensor, "m", Tags.NONE,
                "warning", "msg", Instant.EPOCH, 1, Instant.EPOCH, null, null, null, null));
    }
}
