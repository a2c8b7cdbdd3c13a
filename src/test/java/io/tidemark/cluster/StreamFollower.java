package io.tidemark.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.feed.FeedPosition;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A stream client that hangs up at random (after a random number of events or a random time) and resumes on a
 * random node with {@code Last-Event-ID} set to the last id it saw, as a browser's EventSource does; a node dying
 * under it is one more way to be cut off. It keeps every event it got and notes anything a client must never see:
 * an id not after the one before, a {@code ready} that does not stand where it asked, a {@code reset}.
 */
final class StreamFollower implements Runnable {
    /** One event as received: its id, name and data. */
    record Event(FeedPosition id, String name, String data) {
        JsonNode json() {
            try {
                return JSON.readTree(data);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longer than the nodes' stream.heartbeat: a read that waits this long has lost its node. */
    private static final int READ_TIMEOUT_MILLIS = 5_000;

    private final String name;
    private final Cluster cluster;
    private final Random random;
    private final int firstNode;
    private final long deadlineNanos;
    private final List<Event> events = new ArrayList<>();
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private volatile FeedPosition last = FeedPosition.START;
    /** Once set, the client stops when it has had the event at this position. */
    private volatile FeedPosition target;
    private volatile int connections;
    /** Connections refused, broken or ended by a node (killed under it). */
    private volatile int cutOff;

    StreamFollower(String name, Cluster cluster, Random random, int firstNode, long deadlineNanos) {
        this.name = name;
        this.firstNode = firstNode;
        this.cluster = cluster;
        this.random = random;
        this.deadlineNanos = deadlineNanos;
    }

    void stopAt(FeedPosition lastEvent) {
        target = lastEvent;
    }

    /** Every event but {@code ready}, in the order received; read once the thread has ended. */
    List<Event> events() {
        return events;
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    FeedPosition last() {
        return last;
    }

    @Override
    public String toString() {
        return name + " (" + connections + " connections, " + cutOff + " failed or cut off, " + events.size()
                + " events, last " + last + ")";
    }

    @Override
    public void run() {
        try {
            int node = firstNode;
            while (!done()) {
                if (System.nanoTime() > deadlineNanos) {
                    problems.add("gave up at " + last + ", waiting for " + target);
                    return;
                }
                try {
                    follow(node);
                } catch (IOException e) {
                    cutOff++;
                    Thread.sleep(50);
                }
                node = cluster.pick(random);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problems.add("interrupted");
        } catch (RuntimeException | AssertionError e) {
            problems.add(e.toString());
        }
    }

    private boolean done() {
        FeedPosition t = target;
        return t != null && last.compareTo(t) >= 0;
    }

    /** One connection: until the client hangs up (its budget of events or time is spent), or the node does. */
    private void follow(int node) throws IOException, InterruptedException {
        String resumeFrom = last.toString();
        // Mostly as EventSource resumes; now and then as a client that keeps its position in the URL.
        boolean inQuery = random.nextInt(4) == 0;
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + cluster.port(node)
                + "/api/v1/stream" + (inQuery ? "?after=" + resumeFrom : "")).openConnection();
        c.setConnectTimeout(2_000);
        c.setReadTimeout(READ_TIMEOUT_MILLIS);
        c.setRequestProperty("Accept", "text/event-stream");
        if (!inQuery) c.setRequestProperty("Last-Event-ID", resumeFrom);
        connections++;
        int budget = random.nextInt(3) == 0 ? random.nextInt(20) : random.nextInt(3_000);
        long hangUpAt = System.nanoTime() + (200 + random.nextInt(2_500)) * 1_000_000L;
        try {
            if (c.getResponseCode() == 503) {
                Thread.sleep(100); // the node is stopping, or has too many clients: another time
                return;
            }
            if (c.getResponseCode() != 200) {
                problems.add("stream on node " + node + " answered " + c.getResponseCode());
                Thread.sleep(100);
                return;
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(c.getInputStream(),
                    StandardCharsets.UTF_8));
            String id = null;
            String event = "message";
            String data = null;
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.isEmpty()) {
                    if (data != null && !take(id, event, data, resumeFrom, node)) return;
                    if (done() || budget-- <= 0 || System.nanoTime() > hangUpAt) return;
                    id = null;
                    event = "message";
                    data = null;
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                } else if (line.startsWith(":")) {
                    if (done() || System.nanoTime() > hangUpAt) return; // a keep-alive
                }
            }
            cutOff++; // the node ended the stream: it was killed, or stopped
        } finally {
            c.disconnect();
        }
    }

    /** Keeps one event; false if the connection is to be given up. */
    private boolean take(String id, String event, String data, String resumeFrom, int node) {
        if (event.equals("ready")) {
            String after = new Event(null, event, data).json().path("after").asText();
            if (!after.equals(resumeFrom)) {
                problems.add("node " + node + " was asked to resume after " + resumeFrom + " but is ready after "
                        + after);
            }
            return true;
        }
        if (event.equals("reset")) {
            problems.add("reset from node " + node + " (resumed after " + resumeFrom + "): " + data);
            return false;
        }
        if (id == null) {
            problems.add("event " + event + " without an id from node " + node + ": " + data);
            return false;
        }
        FeedPosition position = FeedPosition.parse(id);
        if (position.compareTo(last) <= 0) {
            problems.add("event " + id + " from node " + node + " after " + last + " (resumed after " + resumeFrom
                    + "): " + event + " " + data);
        }
        events.add(new Event(position, event, data));
        last = position;
        return true;
    }
}
