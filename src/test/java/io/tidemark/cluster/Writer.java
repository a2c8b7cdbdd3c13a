package io.tidemark.cluster;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A client writing batches of readings, one at a time, to random nodes, as JSON, NDJSON or line protocol; some
 * batches are late (timestamps days in the past). It waits for each batch to be acknowledged before it sends the
 * next, so its batches must commit, and reach the feed, in the order it sent them. Its series are its own, and no
 * two of its readings share a series and a timestamp.
 */
final class Writer implements Runnable {
    private static final long[] LATE_DAYS = {1, 3, 7, 20};
    private static final int MAX_BATCH = 30;

    private final int id;
    private final Cluster cluster;
    private final Random random;
    private final Delivery delivery;
    private final Instant anchor;
    private final List<Point> jsonSeries;
    private final List<Point> lineSeries;
    private final List<List<Point>> acknowledged = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean stopping;
    private volatile Throwable failure;
    private long counter;

    /** @param anchor where its timestamps start: a little in the past, so none is ahead of the servers' clocks */
    Writer(int id, Cluster cluster, Random random, Delivery.Counts counts, Instant anchor) {
        this.id = id;
        this.cluster = cluster;
        this.random = random;
        this.delivery = new Delivery(cluster, random, counts);
        this.anchor = anchor;
        String sensor = "cluster-w" + id + "-";
        this.jsonSeries = List.of(
                series(sensor + "boiler", "temperature", Map.of()),
                series(sensor + "boiler", "pressure", Map.of()),
                series(sensor + "pump", "flow", Map.of("site", "north")),
                series(sensor + "pump", "flow", Map.of("site", "south", "line", "2")));
        this.lineSeries = List.of(
                series(sensor + "cpu", "usage_idle", Map.of("db", "cluster", "host", "web-" + id)),
                series(sensor + "cpu", "usage_user", Map.of("db", "cluster", "host", "web-" + id)));
    }

    private static Point series(String sensor, String metric, Map<String, String> tags) {
        return new Point(sensor, metric, new TreeMap<>(tags), Instant.EPOCH, 0);
    }

    /** Ends the run after the batch in flight is acknowledged. */
    void stop() {
        stopping = true;
    }

    /** Its batches, as acknowledged, in the order it sent them. */
    List<List<Point>> acknowledged() {
        return List.copyOf(acknowledged);
    }

    Throwable failure() {
        return failure;
    }

    @Override
    public void run() {
        try {
            for (int batch = 0; !stopping; batch++) {
                send(batch);
                Thread.sleep(random.nextInt(15));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = e;
        } catch (RuntimeException | AssertionError e) {
            failure = e;
        }
    }

    private void send(int batch) throws InterruptedException {
        boolean lineProtocol = random.nextInt(4) == 0;
        Instant start = random.nextInt(5) == 0
                ? anchor.minus(Duration.ofDays(LATE_DAYS[random.nextInt(LATE_DAYS.length)])) : anchor;
        List<Point> points = new ArrayList<>();
        int size = 1 + random.nextInt(MAX_BATCH);
        for (int i = 0; i < size; i++) {
            List<Point> series = lineProtocol ? lineSeries : jsonSeries;
            Point s = series.get(random.nextInt(series.size()));
            points.add(new Point(s.sensor(), s.metric(), s.tags(), start.plusMillis(counter++),
                    random.nextInt(100_000) / 100.0));
        }
        String key = "cluster-w" + id + "-b" + batch;
        Delivery.Write write;
        if (lineProtocol) {
            write = new Delivery.Write("/write?db=cluster&precision=ms", "text/plain",
                    points.stream().map(Point::toLine).collect(Collectors.joining("\n", "", "\n")), key);
        } else if (random.nextBoolean()) {
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            for (Point p : points) array.add(p.toJson(false));
            write = new Delivery.Write("/api/v1/readings", "application/json", array.toString(), key);
        } else {
            write = new Delivery.Write("/api/v1/readings", "application/x-ndjson",
                    points.stream().map(p -> p.toJson(true).toString()).collect(Collectors.joining("\n")), key);
        }
        delivery.deliver(write, random.nextInt(5) == 0 ? random.nextInt(cluster.size()) : cluster.pick(random));
        acknowledged.add(List.copyOf(points));
    }
}
