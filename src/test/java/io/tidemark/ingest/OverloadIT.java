package io.tidemark.ingest;

import static io.tidemark.testing.Bodies.NDJSON;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.testing.Await;
import io.tidemark.testing.Bodies;
import io.tidemark.testing.RandomReadings;
import io.tidemark.testing.RandomSeed;
import io.tidemark.testing.RawHttpConnection;
import io.tidemark.testing.RawHttpConnection.Answer;
import io.tidemark.testing.Reading;
import io.tidemark.testing.TableLock;
import io.tidemark.testing.TestServer;
import io.tidemark.testing.TidemarkClient;
import io.tidemark.testing.TidemarkServerExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With the writer blocked (a table lock, as behind a long migration) the bounded queue fills; from then on requests
 * are answered 503 with Retry-After at once, while the queued ones wait. Once unblocked, exactly the queued requests
 * are stored.
 */
@ExtendWith(RandomSeed.class)
class OverloadIT {
    private static final int QUEUE_CAPACITY = 60;
    @RegisterExtension
    static final TidemarkServerExtension server =
            TidemarkServerExtension.withConfig("ingest:\n  queue_capacity: " + QUEUE_CAPACITY
                    + "\n  commit_timeout: 2m\n"); // the lock is held while the queue fills, however slow that is

    /** One request of the test: its readings and its answer. */
    private record Attempt(String sensorPrefix, int size, boolean queued,
            CompletableFuture<HttpResponse<String>> answer) {}

    private static long waitingLocks() {
        return server.queryLong("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'readings'::regclass");
    }

    @Test
    void fullQueueAnswers503AtOnceAndOnlyQueuedRequestsAreStored(Random random) {
        List<Attempt> attempts = new ArrayList<>();
        try (TableLock lock = server.database().lockTable("readings")) {
            int queued = 0;
            for (int i = 0; i < 30; i++) {
                String prefix = "overload-" + i + "-";
                List<Reading> readings = new RandomReadings(random, prefix).next(1 + random.nextInt(15));
                byte[] body = Bodies.ndjson(Bodies.json(readings, Reading.TimestampStyle.RFC3339))
                        .getBytes(StandardCharsets.UTF_8);
                CompletableFuture<HttpResponse<String>> answer = server.api().sendAsync(
                        server.api().readings(body, "Content-Type", NDJSON).build());
                int depthIfQueued = queued + readings.size();
                // Nothing can commit while the lock is held: a request is either answered (refused) or queued.
                Await.until("request " + i + " to be answered or queued",
                        () -> answer.isDone() || server.api().queuedReadings() == depthIfQueued);
                boolean wasQueued = !answer.isDone();
                assertThat(wasQueued).as("request %d of %d readings with %d queued", i, readings.size(), queued)
                        .isEqualTo(depthIfQueued <= QUEUE_CAPACITY);
                if (wasQueued) {
                    queued = depthIfQueued;
                    Await.until("the writer to wait for the table lock", () -> waitingLocks() > 0);
                } else {
                    HttpResponse<String> refused = answer.join();
                    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
                    assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(
                            seconds -> assertThat(Integer.parseInt(seconds)).isPositive());
                    assertThat(TidemarkClient.json(refused).path("error").asText()).contains("queue is full");
                }
                attempts.add(new Attempt(prefix, readings.size(), wasQueued, answer));
            }
            assertThat(attempts).as("queued and refused requests").anyMatch(Attempt::queued)
                    .anyMatch(a -> !a.queued());
            assertThat(attempts).filteredOn(Attempt::queued).as("queued requests still waiting for the lock")
                    .noneMatch(a -> a.answer().isDone());
            if (queued < QUEUE_CAPACITY) attempts.add(fillTheQueue(random, queued));
            assertFullQueueRefusesWithoutAskingForTheBody();
        }

        for (Attempt a : attempts) {
            if (a.queued()) {
                HttpResponse<String> answer = a.answer().join();
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                assertThat(TidemarkClient.json(answer).path("accepted").asInt()).isEqualTo(a.size());
            }
            assertThat(server.database().readings(a.sensorPrefix())).as("readings of %s", a.sensorPrefix())
                    .hasSize(a.queued() ? a.size() : 0);
        }
        assertThat(server.api().queuedReadings()).isZero();
        server.assertHealthy();
    }

    /** Queues a request of exactly the room left, so the queue is full to the last reading. */
    private static Attempt fillTheQueue(Random random, int queued) {
        String prefix = "overload-filler-";
        List<Reading> readings = new RandomReadings(random, prefix).next(QUEUE_CAPACITY - queued);
        byte[] body = Bodies.ndjson(Bodies.json(readings, Reading.TimestampStyle.RFC3339))
                .getBytes(StandardCharsets.UTF_8);
        CompletableFuture<HttpResponse<String>> answer = server.api().sendAsync(
                server.api().readings(body, "Content-Type", NDJSON).build());
        Await.until("the queue to be full", () -> server.api().queuedReadings() == QUEUE_CAPACITY);
        return new Attempt(prefix, readings.size(), true, answer);
    }

    /** A full queue sheds a request before its body: a client waiting for 100 Continue gets the 503 instead. */
    private static void assertFullQueueRefusesWithoutAskingForTheBody() {
        try (RawHttpConnection connection = new RawHttpConnection("127.0.0.1", server.get().app().port(),
                Duration.ofSeconds(10))) {
            Answer answer = connection.send("POST /api/v1/readings HTTP/1.1\r\nHost: tidemark\r\n"
                    + "Content-Type: application/x-ndjson\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n")
                    .read();
            assertThat(answer.status()).as("no 100 Continue: " + answer.body()).isEqualTo(503);
            assertThat(answer.headers()).containsKey("retry-after");
        }
    }

    /**
     * A lock held elsewhere for longer than the commit budget (a migration, an operator's LOCK TABLE) costs the
     * waiting request a 503 with Retry-After when the budget runs out, not a request that hangs until some proxy or
     * client gives up; nothing of it is stored, and the server writes again once the lock is gone.
     */
    @Test
    void writerWaitingLongerThanTheCommitTimeoutIsAnswered503() {
        try (TestServer impatient = TestServer.start("ingest:\n  commit_timeout: 1s\n")) {
            try (TableLock lock = impatient.database().lockTable("readings")) {
                HttpResponse<String> answer =
                        impatient.api().postReadings(NDJSON, "{\"sensor\":\"locked-out\",\"value\":1}");
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
                assertThat(answer.headers().firstValue("Retry-After")).isPresent();
                assertThat(TidemarkClient.json(answer).path("error").asText()).contains("not acknowledged");
                // A day without a partition yet: the partition is made outside the batch's transaction, and its
                // wait for the lock is bounded by the same budget.
                long days = System.currentTimeMillis() - 5 * 86_400_000L;
                HttpResponse<String> elsewhen = impatient.api().postReadings(NDJSON,
                        "{\"sensor\":\"locked-out-elsewhen\",\"ts\":" + days + ",\"value\":1}");
                assertThat(elsewhen.statusCode()).as(elsewhen.body()).isEqualTo(503);
                assertThat(elsewhen.headers().firstValue("Retry-After")).isPresent();
            }
            assertThat(impatient.database().readings("locked-out")).isEmpty();
            assertThat(impatient.database().readings("locked-out-elsewhen")).isEmpty();
            impatient.assertHealthy();
        }
    }

    @Test
    void requestLargerThanTheWholeQueueIsRefusedWith413() {
        List<String> objects = new ArrayList<>();
        for (int i = 0; i <= QUEUE_CAPACITY; i++) objects.add("{\"sensor\":\"too-many\",\"value\":" + i + "}");

        HttpResponse<String> response = server.api().postReadings(NDJSON, Bodies.ndjson(objects));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(TidemarkClient.json(response).path("error").asText()).contains("ingest.queue_capacity");
        assertThat(server.database().readings("too-many")).isEmpty();
    }
}
