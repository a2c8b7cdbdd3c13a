package io.tidemark.cluster;

import io.tidemark.testing.TidemarkClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivers a write to the cluster until a node acknowledges it: a node that gives no answer (down, or killed under
 * the request) or a 503 is left for another, with the same {@code Idempotency-Key}, so a write that did commit before
 * its node died is answered from its key and never stored twice. Any other answer fails the test. One per writer
 * thread. Now and then it sends an acknowledged write once more, to another node, which must answer from the key.
 */
final class Delivery {
    /** One write: its path and query ({@code /api/v1/readings}, {@code /write?db=...}), body and Content-Type. */
    record Write(String path, String contentType, String body, String key) {}

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** How long one write may take to be acknowledged, node deaths included; only a broken cluster needs more. */
    private static final Duration GIVE_UP = Duration.ofSeconds(40);

    private final Cluster cluster;
    private final Random random;
    private final HttpClient http = TidemarkClient.builder().build();
    private final Counts counts;

    /** What the writers went through, over all of them. */
    static final class Counts {
        final AtomicInteger attempts = new AtomicInteger();
        final AtomicInteger unanswered = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();
        final AtomicInteger replayed = new AtomicInteger();
        final AtomicInteger repeated = new AtomicInteger();

        @Override
        public String toString() {
            return attempts + " attempts, " + unanswered + " unanswered, " + refused + " answered 503, " + replayed
                    + " retries answered from their key, " + repeated + " acknowledged writes sent again and answered"
                    + " from their key";
        }
    }

    Delivery(Cluster cluster, Random random, Counts counts) {
        this.cluster = cluster;
        this.random = random;
        this.counts = counts;
    }

    /**
     * Sends {@code write} to {@code node} first, then to others, until one answers 2xx; returns that answer.
     *
     * @throws AssertionError on any answer but 2xx and 503, or when no node acknowledges it in time
     */
    HttpResponse<String> deliver(Write write, int node) throws InterruptedException {
        HttpResponse<String> answer = untilAcknowledged(write, node);
        // Now and then the client sends it again anyway, to another node, as one whose answer was lost would.
        if (random.nextInt(20) == 0) repeat(write, cluster.pickOther(random, node));
        return answer;
    }

    /** Sends an acknowledged write again: a node that answers must answer from its key, storing nothing. */
    private void repeat(Write write, int node) throws InterruptedException {
        try {
            HttpResponse<String> again = http.send(request(write, node), HttpResponse.BodyHandlers.ofString());
            if (again.statusCode() == 503) return;
            if (again.statusCode() / 100 != 2 || again.headers().firstValue("Idempotent-Replayed").isEmpty()) {
                throw new AssertionError("write " + write.key() + " sent again to node " + node + " answered "
                        + again.statusCode() + " " + again.headers().map() + ": " + again.body());
            }
            counts.repeated.incrementAndGet();
        } catch (IOException e) {
            // the node died under it: nothing to learn
        }
    }

    private HttpRequest request(Write write, int node) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.port(node) + write.path()))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", write.contentType())
                .header("Idempotency-Key", write.key())
                .POST(HttpRequest.BodyPublishers.ofString(write.body(), StandardCharsets.UTF_8))
                .build();
    }

    private HttpResponse<String> untilAcknowledged(Write write, int node) throws InterruptedException {
        long deadline = System.nanoTime() + GIVE_UP.toNanos();
        String last = "nothing";
        while (System.nanoTime() < deadline) {
            counts.attempts.incrementAndGet();
            try {
                HttpResponse<String> answer = http.send(request(write, node), HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() / 100 == 2) {
                    if (answer.headers().firstValue("Idempotent-Replayed").isPresent()) {
                        counts.replayed.incrementAndGet();
                    }
                    return answer;
                }
                if (answer.statusCode() != 503) {
                    throw new AssertionError("write " + write.key() + " to node " + node + " answered "
                            + answer.statusCode() + ": " + answer.body());
                }
                counts.refused.incrementAndGet();
                last = "503 " + answer.body();
            } catch (IOException e) {
                counts.unanswered.incrementAndGet();
                last = e.toString();
            }
            Thread.sleep(20 + random.nextInt(80));
            node = cluster.pickOther(random, node);
        }
        throw new AssertionError("no node acknowledged write " + write.key() + " within " + GIVE_UP.toSeconds()
                + " s; last: " + last);
    }
}
