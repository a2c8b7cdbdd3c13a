package io.tidemark.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.testing.Await;
import io.tidemark.testing.Bodies;
import io.tidemark.testing.RandomSeed;
import io.tidemark.testing.TidemarkClient;
import io.tidemark.testing.TidemarkServerExtension;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The central promise under fire: an acknowledged reading is never lost, and a retry with an Idempotency-Key never
 * stores it twice. Client threads send requests of random sizes (each with its own key, its values naming it) and
 * retry each on 503 or I/O errors until it is acknowledged, while the database connection is cut and restored at
 * random moments, mid-COPY and mid-COMMIT included; half the cuts are preceded by a spell in which statements reach
 * PostgreSQL but their answers are lost, so some COMMITs succeed unbeknownst to the server.
 */
@ExtendWith(RandomSeed.class)
class AcknowledgedReadingsUnderFaultsIT {
    private static final int CLIENTS = 4;
    private static final int CUTS = 10;
    private static final int MAX_READINGS_PER_REQUEST = 400;
    /** A reading's value is {@code request * VALUES_PER_REQUEST + i}: every row names its request. */
    private static final long VALUES_PER_REQUEST = 1000;

    /** An instance field: each test gets a server and a proxy of its own. */
    @RegisterExtension
    final TidemarkServerExtension server = TidemarkServerExtension.behindProxy("""
            database:
              connection_timeout: 500ms
            ingest:
              commit_timeout: 2s
              batch_size: 1000
              linger: 5ms
            """);

    /** One request: its key, how many readings, and the sum of their values. */
    private record Sent(int id, String key, int size, long valueSum) {}

    /** What the client finally got for a request. */
    private record Outcome(Sent request, int status, int accepted, int attempts) {}

    @Test
    void acknowledgedReadingsAreNeverLostAndRetriesNeverDouble(Random random) throws InterruptedException {
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        AtomicInteger nextId = new AtomicInteger();
        AtomicInteger failedAttempts = new AtomicInteger();
        CountDownLatch faultsDone = new CountDownLatch(1);
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            Random own = new Random(random.nextLong());
            String sensor = "client-" + c;
            clients.add(start("client-" + c, () -> {
                while (faultsDone.getCount() > 0) {
                    outcomes.add(sendUntilAcknowledged(own, sensor, nextId.getAndIncrement(), failedAttempts));
                }
            }));
        }
        Random faults = new Random(random.nextLong());
        Thread injector = start("fault-injector", () -> {
            try {
                for (int i = 0; i < CUTS; i++) {
                    Thread.sleep(200 + faults.nextInt(1300)); // up long enough for the pool to reconnect
                    if (faults.nextBoolean()) {
                        server.proxy().dropReplies(); // statements sent now, COMMITs included, run but go unanswered
                        Thread.sleep(20 + faults.nextInt(300));
                    }
                    server.proxy().cut();
                    // Mostly short cuts, which the writer rides out; every third outlasts the 2 s commit budget, so
                    // clients do meet 503s (with a COMMIT's fate maybe unknown) and must retry without doubling.
                    Thread.sleep(i % 3 == 2 ? 2_500 : 20 + faults.nextInt(700));
                    server.proxy().restore();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                server.proxy().restore();
                faultsDone.countDown();
            }
        });
        injector.join();
        for (Thread t : clients) {
            t.join(TimeUnit.MINUTES.toMillis(2));
            assertThat(t.isAlive()).as("%s finished its last request", t.getName()).isFalse();
        }

        List<Outcome> all = new ArrayList<>(outcomes);
        System.out.printf("%d requests, %d readings, %d failed attempts retried, %d connections refused%n",
                all.size(), all.stream().mapToLong(o -> o.request().size()).sum(), failedAttempts.get(),
                server.proxy().connectionsRefused());
        assertThat(failedAttempts.get()).as("attempts that met a fault (else nothing was tested)").isPositive();
        assertThat(all).as("requests that ended in anything but 200").allSatisfy(o -> {
            assertThat(o.status()).as("request %s after %d attempts", o.request(), o.attempts()).isEqualTo(200);
            assertThat(o.accepted()).as("accepted count of %s", o.request()).isEqualTo(o.request().size());
        });

        Map<Integer, long[]> stored = storedCountAndSumByRequest();
        for (Outcome o : all) {
            long[] countAndSum = stored.getOrDefault(o.request().id(), new long[2]);
            assertThat(countAndSum).as("rows and value sum of acknowledged %s", o.request())
                    .containsExactly(o.request().size(), o.request().valueSum());
        }
        assertThat(stored.keySet()).as("requests with stored rows")
                .containsExactlyInAnyOrderElementsOf(all.stream().map(o -> o.request().id()).toList());
        assertThat(server.queryLong("SELECT count(*) FROM readings"))
                .isEqualTo(all.stream().mapToLong(o -> o.accepted()).sum());
        assertThat(server.queryLong("SELECT count(*) FROM idempotency_keys")).isEqualTo(all.size());
    }

    private Outcome sendUntilAcknowledged(Random random, String sensor, int id, AtomicInteger failedAttempts) {
        int size = 1 + random.nextInt(MAX_READINGS_PER_REQUEST);
        List<String> objects = new ArrayList<>(size);
        long sum = 0;
        for (int i = 0; i < size; i++) {
            long value = id * VALUES_PER_REQUEST + i;
            sum += value;
            objects.add("{\"sensor\":\"" + sensor + "\",\"metric\":\"m" + random.nextInt(3) + "\",\"value\":" + value
                    + "}");
        }
        Sent sent = new Sent(id, "chaos-" + id, size, sum);
        HttpRequest request = request(random, objects, sent.key());
        for (int attempt = 1; ; attempt++) {
            try {
                HttpResponse<String> response = server.api().send(request);
                if (response.statusCode() != 503) {
                    int accepted = response.statusCode() == 200
                            ? TidemarkClient.json(response).path("accepted").asInt() : -1;
                    return new Outcome(sent, response.statusCode(), accepted, attempt);
                }
            } catch (UncheckedIOException e) {
                // no answer: the request may or may not be stored; the retry with its key settles it
            }
            failedAttempts.incrementAndGet();
            Await.pause(10 + random.nextInt(90)); // sooner than Retry-After, to keep requests arriving mid-fault
        }
    }

    private HttpRequest request(Random random, List<String> objects, String key) {
        boolean ndjson = random.nextBoolean();
        String text = ndjson ? Bodies.ndjson(objects) : Bodies.array(objects);
        if (random.nextInt(4) == 0) {
            return server.api().readings(Bodies.gzip(text), "Content-Type", ndjson ? Bodies.NDJSON : Bodies.JSON,
                    "Content-Encoding", "gzip", "Idempotency-Key", key).build();
        }
        return server.api().readings(text.getBytes(StandardCharsets.UTF_8),
                "Content-Type", ndjson ? Bodies.NDJSON : Bodies.JSON, "Idempotency-Key", key).build();
    }

    private Map<Integer, long[]> storedCountAndSumByRequest() {
        Map<Integer, long[]> stored = new HashMap<>();
        for (List<String> row : server.database().queryRows("""
                SELECT value::bigint / %d, count(*), sum(value::bigint) FROM readings GROUP BY 1"""
                .formatted(VALUES_PER_REQUEST))) {
            long[] countAndSum = {Long.parseLong(row.get(1)), Long.parseLong(row.get(2))};
            stored.put(Integer.parseInt(row.get(0)), countAndSum);
        }
        return stored;
    }

    private static Thread start(String name, Runnable work) {
        Thread t = new Thread(work, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
