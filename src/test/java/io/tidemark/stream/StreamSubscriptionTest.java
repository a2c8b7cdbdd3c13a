package io.tidemark.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tidemark.config.StreamConfig;
import io.tidemark.feed.FeedCursor;
import io.tidemark.feed.FeedEntry;
import io.tidemark.feed.FeedPosition;
import io.tidemark.feed.FeedTruncatedException;
import io.tidemark.names.Tags;
import io.tidemark.query.InvalidParametersException;
import io.tidemark.storage.SeriesKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A stream client's events, written from a scripted cursor: what is sent, with which ids, in which order. */
class StreamSubscriptionTest {
    private static final StreamConfig CONFIG = new StreamConfig(2, 5, StreamConfig.MAX_HEARTBEAT);
    private final StreamHub hub = new StreamHub(CONFIG, null, new SimpleMeterRegistry());

    @Test
    void sendsEveryEventOfEveryRowInOrderWithItsPositionAsId() throws Exception {
        // Far more events than stream.client_queue (5): the cursor, not the subscription, decides what is held, and
        // the subscription sends every row it is given, nothing skipped.
        ScriptedCursor cursor = new ScriptedCursor(readings(5, "a", 3), readings(7, "b", 4), readings(8, "c", 40));
        String sse = pump(subscription(Map.of(), null, cursor, FeedPosition.afterRow(4)), 2);

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 3; i++) expected.add("5." + i + " a-" + i);
        for (int i = 0; i < 4; i++) expected.add("7." + i + " b-" + i);
        for (int i = 0; i < 40; i++) expected.add("8." + i + " c-" + i);
        assertThat(events(sse, "reading")).containsExactlyElementsOf(expected);
        assertThat(sse).doesNotContain("skipped").startsWith("event: ready\n");
        assertThat(cursor.closed).as("closing the subscription closes its cursor").isTrue();
    }

    @Test
    void theReadyEventSaysWhereTheClientStands() throws Exception {
        String sse = pump(subscription(Map.of("sensor", List.of("b*")), null, new ScriptedCursor(),
                new FeedPosition(41, 6)), 2);
        assertThat(sse).startsWith("event: ready\ndata: {\"sensor\":\"b*\",\"metric\":\"*\",\"readings\":true,"
                + "\"alerts\":true,\"after\":\"41.6\",\"client_queue\":5}\n\n");
    }

    /** A client resuming after event 1 of row 5 gets events 2.. of that row, then the following rows whole. */
    @Test
    void resumingInsideARowSendsOnlyTheRestOfIt() throws Exception {
        ScriptedCursor cursor = new ScriptedCursor(readings(5, "a", 4), readings(6, "b", 2));
        String sse = pump(subscription(Map.of(), "5.1", cursor, FeedPosition.parse("5.1")), 2);
        assertThat(events(sse, "reading")).containsExactly("5.2 a-2", "5.3 a-3", "6.0 b-0", "6.1 b-1");
    }

    /** Indexes count every event of the row, matched or not: a position means the same to every client. */
    @Test
    void filterAppliesToReadingsAndAlertsAndIdsCountEveryEventOfTheRow() throws Exception {
        FeedEntry mixed = FeedEntry.readings(3, new int[] {1, 2, 1, 3},
                new SeriesKey[] {key("a", "m"), key("b", "m"), key("a", "m"), key("b", "other")},
                new long[] {0, 1, 2, 3}, new double[] {0, 1, 2, 3});
        FeedEntry alerts = FeedEntry.alerts(4, new String[] {alert("a", "m"), alert("b", "m"), alert("b2", "m")});
        ScriptedCursor cursor = new ScriptedCursor(mixed, alerts);
        String sse = pump(subscription(Map.of("sensor", List.of("b*"), "metric", List.of("m")), null, cursor,
                FeedPosition.afterRow(2)), 2);
        assertThat(events(sse, "reading")).containsExactly("3.1 b-1");
        assertThat(ids(sse, "alert")).containsExactly("4.1", "4.2");
        assertThat(sse).contains("\"sensor\":\"b2\"").doesNotContain("\"sensor\":\"a\"");
    }

    @Test
    void anAlertsOnlyClientGetsNoReadingsAndAReadingsOnlyClientNoAlerts() throws Exception {
        String alertsOnly = pump(subscription(Map.of("events", List.of("alerts")), null,
                new ScriptedCursor(readings(1, "x", 2), FeedEntry.alerts(2, new String[] {alert("x", "m")})),
                FeedPosition.START), 2);
        assertThat(events(alertsOnly, "reading")).isEmpty();
        assertThat(ids(alertsOnly, "alert")).containsExactly("2.0");

        String readingsOnly = pump(subscription(Map.of("events", List.of("readings")), null,
                new ScriptedCursor(readings(1, "x", 2), FeedEntry.alerts(2, new String[] {alert("x", "m")})),
                FeedPosition.START), 2);
        assertThat(events(readingsOnly, "reading")).containsExactly("1.0 x-0", "1.1 x-1");
        assertThat(ids(readingsOnly, "alert")).isEmpty();
    }

    @Test
    void alertsOfTaggedSeriesAreFilteredByTags() throws Exception {
        String tagged = "{\"event\":\"fired\",\"sensor\":\"cpu\",\"metric\":\"idle\",\"tags\":{\"host\":\"a\"}}";
        String other = "{\"event\":\"fired\",\"sensor\":\"cpu\",\"metric\":\"idle\",\"tags\":{\"host\":\"b\"}}";
        String sse = pump(subscription(Map.of("tags", List.of("{\"host\":\"a\"}")), null,
                new ScriptedCursor(FeedEntry.alerts(9, new String[] {other, tagged, alert("cpu", "idle")})),
                FeedPosition.START), 2);
        assertThat(ids(sse, "alert")).containsExactly("9.1");
    }

    /**
     * The cursor found the client's rows removed by retention: the client is told what it asked for and where the
     * feed now starts, then gets everything from there, and its later ids go on from the oldest row.
     */
    @Test
    void aTruncatedPositionGetsAResetThenEverythingFromTheOldestRow() throws Exception {
        ScriptedCursor cursor = new ScriptedCursor(new FeedTruncatedException(FeedPosition.parse("3.2"), 50),
                readings(50, "a", 2), readings(51, "b", 1));
        String sse = pump(subscription(Map.of(), "3.2", cursor, FeedPosition.parse("3.2")), 2);
        List<String> names = Arrays.stream(sse.split("\n\n")).map(e -> e.replaceAll("(?s).*event: (\\w+).*", "$1"))
                .toList();
        assertThat(names).containsExactly("ready", "reset", "reading", "reading", "reading");
        assertThat(sse).contains("event: reset\ndata: {\"requested\":\"3.2\",\"oldest\":\"49\",\"message\":\"");
        assertThat(events(sse, "reading")).containsExactly("50.0 a-0", "50.1 a-1", "51.0 b-0");
    }

    @Test
    void aQuietStreamGetsKeepAlivesAndWaitsAtMostTheHeartbeat() throws Exception {
        ScriptedCursor cursor = new ScriptedCursor();
        String sse = pump(subscription(Map.of(), null, cursor, FeedPosition.START), 3);
        assertThat(sse).endsWith("\n\n: keep-alive\n\n: keep-alive\n\n");
        assertThat(cursor.timeouts).first().isEqualTo(CONFIG.heartbeat());
    }

    /** Events are flushed once no further row is at hand, not after each one, and never before they are written. */
    @Test
    void flushesWhenTheCursorHasNothingAtHand() throws Exception {
        ScriptedCursor cursor = new ScriptedCursor(readings(1, "a", 1), readings(2, "b", 1));
        pump(subscription(Map.of(), null, cursor, FeedPosition.START), 2);
        assertThat(cursor.timeouts).as("waits the heartbeat only with nothing unflushed")
                .startsWith(CONFIG.heartbeat(), Duration.ZERO, Duration.ZERO);
    }

    @Test
    void theLastEventIdHeaderWinsOverAfterAndABadOneIsNamed() {
        assertThat(StreamFilter.parse(Map.of("after", List.of("3.1")), "17.4").after())
                .isEqualTo(new FeedPosition(17, 4));
        assertThat(StreamFilter.parse(Map.of("after", List.of("3")), null).after()).isEqualTo(FeedPosition.afterRow(3));
        assertThat(StreamFilter.parse(Map.of(), " ").after()).as("a blank header is no position").isNull();
        assertThatThrownBy(() -> StreamFilter.parse(Map.of(), "abc")).isInstanceOf(InvalidParametersException.class)
                .hasMessageContaining("Last-Event-ID");
        assertThatThrownBy(() -> StreamFilter.parse(Map.of("after", List.of("1.x")), null))
                .isInstanceOf(InvalidParametersException.class).hasMessageContaining("after");
    }

    @Test
    void theHubRefusesClientsWhenTheFeedIsOff() {
        assertThatThrownBy(() -> hub.subscribe(Map.of(), null)).isInstanceOf(StreamOffException.class)
                .hasMessageContaining("feed.enabled");
        assertThatThrownBy(() -> hub.subscribe(Map.of("events", List.of("some")), null))
                .as("a bad filter is still a bad filter").isInstanceOf(InvalidParametersException.class);
    }

    private StreamSubscription subscription(Map<String, List<String>> params, String lastEventId, FeedCursor cursor,
            FeedPosition start) {
        return new StreamSubscription(StreamFilter.parse(params, lastEventId), cursor, start, CONFIG, hub);
    }

    /** Runs the pump until its {@code flushes}-th flush (the first is the ready event's), then closes it. */
    private static String pump(StreamSubscription s, int flushes) throws IOException, InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream() {
            int seen;

            @Override
            public void flush() {
                if (++seen == flushes) s.close();
            }
        };
        s.pump(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Events named {@code name} as "ID SENSOR-VALUE". */
    private static List<String> events(String sse, String name) {
        return Arrays.stream(sse.split("\n\n")).filter(e -> e.contains("event: " + name + "\n"))
                .map(e -> e.replaceAll("(?s)id: (\\S+)\n.*\"sensor\":\"([^\"]*)\".*\"value\":(\\d+).*", "$1 $2-$3"))
                .toList();
    }

    private static List<String> ids(String sse, String name) {
        return Arrays.stream(sse.split("\n\n")).filter(e -> e.contains("event: " + name + "\n"))
                .map(e -> e.replaceAll("(?s)id: (\\S+)\n.*", "$1")).toList();
    }

    /** A row of {@code count} readings of series (sensor, "m") with values 0, 1, ... */
    private static FeedEntry readings(long row, String sensor, int count) {
        return FeedEntry.readings(row, new int[count],
                IntStream.range(0, count).mapToObj(i -> key(sensor, "m")).toArray(SeriesKey[]::new),
                IntStream.range(0, count).mapToLong(i -> i).toArray(),
                IntStream.range(0, count).mapToDouble(i -> i).toArray());
    }

    private static SeriesKey key(String sensor, String metric) {
        return new SeriesKey(sensor, metric, Tags.NONE);
    }

    private static String alert(String sensor, String metric) {
        return "{\"event\":\"fired\",\"rule\":\"r\",\"sensor\":\"" + sensor + "\",\"metric\":\"" + metric + "\"}";
    }

    /** Hands out its script (rows, or exceptions to throw), then nothing; remembers how long it was asked to wait. */
    private static final class ScriptedCursor implements FeedCursor {
        private final Queue<Object> script;
        final List<Duration> timeouts = new ArrayList<>();
        boolean closed;
        long delivered;

        ScriptedCursor(Object... script) {
            this.script = new ArrayDeque<>(List.of(script));
        }

        @Override
        public FeedEntry next(Duration timeout) {
            timeouts.add(timeout);
            Object next = script.poll();
            if (next instanceof RuntimeException e) throw e;
            if (next != null) delivered = ((FeedEntry) next).row();
            return (FeedEntry) next;
        }

        @Override
        public FeedPosition position() {
            return FeedPosition.afterRow(delivered);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
