package io.tidemark.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.feed.FeedPosition;
import io.tidemark.testing.TidemarkClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A consumer of {@code GET /api/v1/feed} that keeps its own cursor: each page from a random node, with a random
 * limit (and now and then a long poll), passing the last page's {@code next} as {@code after}. The first page has no
 * {@code after} (from the oldest row kept, which here is the first). A page that a node dies under is asked again,
 * with the same {@code after}, from another node.
 */
final class FeedConsumer implements Runnable {
    /** One reading of a page, with its position. */
    record Paged(FeedPosition position, Point point) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Cluster cluster;
    private final Random random;
    private final long deadlineNanos;
    private final HttpClient http = TidemarkClient.builder().build();
    private final List<Paged> readings = new ArrayList<>();
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    /** Set once every write is committed: the consumer stops at the first empty page after it. */
    private volatile boolean finishing;
    private volatile int pages;
    private volatile int failedPages;

    FeedConsumer(String name, Cluster cluster, Random random, long deadlineNanos) {
        this.name = name;
        this.cluster = cluster;
        this.random = random;
        this.deadlineNanos = deadlineNanos;
    }

    /** Every write has been acknowledged: read to the end, then stop. */
    void finish() {
        finishing = true;
    }

    /** The readings in the order paged; read once the thread has ended. */
    List<Paged> readings() {
        return readings;
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    @Override
    public String toString() {
        return name + " (" + pages + " pages, " + failedPages + " asked again, " + readings.size() + " readings)";
    }

    @Override
    public void run() {
        try {
            String after = null;
            FeedPosition last = FeedPosition.START;
            while (true) {
                if (System.nanoTime() > deadlineNanos) {
                    problems.add("gave up after " + after);
                    return;
                }
                boolean finalPage = finishing; // read before the page: the page then holds every write
                JsonNode page = page(after);
                if (page == null) {
                    failedPages++;
                    Thread.sleep(50);
                    continue;
                }
                pages++;
                for (JsonNode r : page.get("readings")) {
                    FeedPosition position = FeedPosition.parse(r.get("position").asText());
                    if (position.compareTo(last) <= 0) {
                        problems.add("reading at " + position + " after " + last + " (after=" + after + ")");
                    }
                    readings.add(new Paged(position, Point.fromJson(r)));
                    last = position;
                }
                String next = page.get("next").asText();
                if (after != null && FeedPosition.parse(next).compareTo(FeedPosition.parse(after)) < 0) {
                    problems.add("next " + next + " went back from after=" + after);
                }
                after = next;
                if (page.get("readings").isEmpty() && finalPage) return;
                if (page.get("readings").isEmpty()) Thread.sleep(random.nextInt(30));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problems.add("interrupted");
        } catch (RuntimeException | AssertionError e) {
            problems.add(e.toString());
        }
    }

    /** One page from a random node; null if the node gave no answer or a 503. */
    private JsonNode page(String after) throws InterruptedException {
        int limit = random.nextInt(4) == 0 ? 1 + random.nextInt(5) : 1 + random.nextInt(2_000);
        StringBuilder query = new StringBuilder("/api/v1/feed?limit=").append(limit);
        if (after != null) query.append("&after=").append(after);
        if (random.nextInt(5) == 0) query.append("&wait=1");
        int node = cluster.pick(random);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.port(node) + query))
                .timeout(Duration.ofSeconds(10)).GET().build();
        try {
            HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 503) return null;
            if (answer.statusCode() != 200) {
                throw new AssertionError("GET " + query + " on node " + node + " answered " + answer.statusCode()
                        + ": " + answer.body());
            }
            return JSON.readTree(answer.body());
        } catch (IOException e) {
            return null;
        }
    }
}
