package io.tidemark;

import static io.tidemark.testing.Bodies.NDJSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.tidemark.testing.Await;
import io.tidemark.testing.Bodies;
import io.tidemark.testing.RandomSeed;
import io.tidemark.testing.ServerProcess;
import io.tidemark.testing.TableLock;
import io.tidemark.testing.TestDatabase;
import io.tidemark.testing.TestServer;
import io.tidemark.testing.TidemarkClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Stopping the server (SIGTERM, or {@link App#close()}) stops taking requests, commits and answers everything already
 * queued, then exits: no request answered 200 is lost, no request answered 503 is stored. The writers are held up by
 * a table lock while the stop begins, so that there is queued work to drain.
 */
@ExtendWith(RandomSeed.class)
class GracefulShutdownIT {
    /** A request and what became of it; {@code status} 0 means no answer arrived. */
    private record Sent(String sensor, int size, CompletableFuture<HttpResponse<String>> answer) {}

    private static final AtomicInteger ids = new AtomicInteger();

    private static Sent send(TidemarkClient api, Random random) {
        String sensor = "stop-" + ids.incrementAndGet();
        int size = 1 + random.nextInt(100);
        List<String> lines = new ArrayList<>(size);
        for (int i = 0; i < size; i++) lines.add("{\"sensor\":\"" + sensor + "\",\"value\":" + i + "}");
        byte[] body = Bodies.ndjson(lines).getBytes(StandardCharsets.UTF_8);
        return new Sent(sensor, size, api.sendAsync(api.readings(body, "Content-Type", NDJSON).build()));
    }

    /**
     * Sends probe requests until one is refused with 503 and Retry-After because the server is stopping. Probes sent
     * before the stop began are queued like any other request; they are returned for checking too.
     */
    private static List<Sent> awaitStopping(TidemarkClient api, Random random) {
        List<Sent> probes = new ArrayList<>();
        Await.until("the server to refuse new requests", () -> {
            Sent probe = send(api, random);
            probes.add(probe);
            try {
                HttpResponse<String> answer = probe.answer().get(200, TimeUnit.MILLISECONDS);
                return answer.statusCode() == 503
                        && TidemarkClient.json(answer).path("error").asText().contains("shutting down");
            } catch (Exception stillQueued) {
                return false;
            }
        });
        HttpResponse<String> refusal = probes.get(probes.size() - 1).answer().join();
        assertThat(refusal.headers().firstValue("Retry-After")).as("Retry-After of the refusal").isPresent();
        return probes;
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null) t = t.getCause();
        return t;
    }

    /** Readings stored per sensor. */
    private static Map<String, Long> storedBySensor(TestDatabase database) {
        Map<String, Long> stored = new HashMap<>();
        for (List<String> row : database.queryRows("SELECT sensor, count(*) FROM readings_v GROUP BY sensor")) {
            stored.put(row.get(0), Long.parseLong(row.get(1)));
        }
        return stored;
    }

    @Test
    void closeCommitsRequestsQueuedBehindATableLockBeforeReturning(Random random) throws InterruptedException {
        try (TestServer server = TestServer.start()) {
            TidemarkClient api = server.api();
            List<Sent> sent = new ArrayList<>();
            Thread closer = new Thread(server::stopServer, "closer");
            try (TableLock lock = server.database().lockTable("readings")) {
                for (int i = 0; i < 10; i++) sent.add(send(api, random));
                int total = sent.stream().mapToInt(Sent::size).sum();
                Await.until("all requests to be queued", () -> api.queuedReadings() == total);

                closer.start();
                sent.addAll(awaitStopping(api, random));
                assertThat(closer.isAlive()).as("close() still draining while the writers are blocked").isTrue();
            }
            closer.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(closer.isAlive()).as("close() returned").isFalse();

            Map<String, Long> stored = storedBySensor(server.database());
            for (Sent s : sent) {
                HttpResponse<String> answer = s.answer().join();
                if (answer.statusCode() == 200) {
                    assertThat(stored.get(s.sensor())).as("readings of acknowledged %s", s.sensor())
                            .isEqualTo(s.size());
                } else {
                    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
                    assertThat(stored).as("readings of refused %s", s.sensor()).doesNotContainKey(s.sensor());
                }
            }
            assertThat(sent.subList(0, 10)).as("requests queued before close()")
                    .allSatisfy(s -> assertThat(s.answer().join().statusCode()).isEqualTo(200));
            assertThat(catchThrowable(() -> api.get("/health"))).as("the server after close()")
                    .isInstanceOf(UncheckedIOException.class);
        }
    }

    @Test
    void requestStillArrivingWhileTheServerStopsIsAnswered503() throws Exception {
        try (TestServer server = TestServer.start(); Socket socket = new Socket("127.0.0.1", server.app().port())) {
            int port = server.app().port();
            socket.setSoTimeout((int) Await.PATIENCE.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + TidemarkClient.READINGS + " HTTP/1.1\r\nHost: tidemark\r\n"
                    + "Content-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            writeChunk(out, "{\"sensor\":\"in-flight\",\"value\":1}\n");
            Thread closer = new Thread(server::stopServer, "closer");
            closer.start();
            Await.until("the server to stop taking connections", () -> !accepts(port));

            writeChunk(out, "{\"sensor\":\"in-flight\",\"value\":2}\n");
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();

            assertThat(statusLine).as("answer to the request in flight").startsWith("HTTP/1.1 503");
            closer.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(server.database().readings("in-flight")).isEmpty();
        }
    }

    private static void writeChunk(OutputStream out, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static boolean accepts(int port) {
        try (Socket probe = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    @Test
    void sigtermMidLoadLosesNoAcknowledgedReading(Random random) throws InterruptedException {
        try (TestDatabase database = TestDatabase.create(); ServerProcess server = ServerProcess.start(database, "")) {
            TidemarkClient api = server.api();
            ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                Random own = new Random(random.nextLong());
                Thread client = new Thread(() -> {
                    while (true) {
                        Sent s = send(api, own);
                        sent.add(s);
                        if (s.answer().handle((answer, error) -> error != null).join()) return; // server gone
                    }
                }, "load-" + c);
                client.setDaemon(true);
                client.start();
                clients.add(client);
            }
            Await.until("some requests to be acknowledged", () -> sent.stream().filter(s -> s.answer().isDone()
                    && !s.answer().isCompletedExceptionally() && s.answer().join().statusCode() == 200).count() >= 50);

            int exitCode;
            List<Sent> queuedAtSigterm;
            try (TableLock lock = database.lockTable("readings")) {
                // Each client waits for its one request in flight; once all of them are queued, nothing moves.
                queuedAtSigterm = Await.until("every request in flight to be queued behind the lock", () -> {
                    List<Sent> pending = sent.stream().filter(s -> !s.answer().isDone()).toList();
                    int pendingReadings = pending.stream().mapToInt(Sent::size).sum();
                    return api.queuedReadings() == pendingReadings ? pending : List.<Sent>of();
                }, pending -> !pending.isEmpty());
                server.terminate();
                sent.addAll(awaitStopping(api, random));
            }
            exitCode = server.awaitExit(Duration.ofSeconds(60));
            for (Thread client : clients) client.join(TimeUnit.SECONDS.toMillis(30));

            Map<String, Long> stored = storedBySensor(database);
            Map<String, Integer> outcomes = new HashMap<>();
            for (Sent s : sent) {
                HttpResponse<String> answer;
                try {
                    answer = s.answer().join();
                } catch (RuntimeException noAnswer) {
                    // Refused, or sent on a keep-alive connection as the server closed it: all or nothing.
                    String why = rootCause(noAnswer).getClass().getSimpleName();
                    outcomes.merge("no answer (" + why + ")", 1, Integer::sum);
                    assertThat(stored.getOrDefault(s.sensor(), 0L)).as("readings of unanswered %s", s.sensor())
                            .isIn(0L, (long) s.size());
                    continue;
                }
                outcomes.merge(Integer.toString(answer.statusCode()), 1, Integer::sum);
                if (answer.statusCode() == 200) {
                    assertThat(stored.get(s.sensor())).as("readings of acknowledged %s", s.sensor())
                            .isEqualTo(s.size());
                } else {
                    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
                    assertThat(stored).as("readings of refused %s", s.sensor()).doesNotContainKey(s.sensor());
                }
            }
            System.out.printf("SIGTERM: exit code %d; %d requests: %s%n", exitCode, sent.size(), outcomes);
            // The JVM exits with 128 + 15 after running its shutdown hooks on SIGTERM.
            assertThat(exitCode).as("exit code after SIGTERM").isIn(0, 143);
            assertThat(server.output()).as("server output").anyMatch(line -> line.contains("Tidemark stopped"));
            assertThat(queuedAtSigterm).as("requests queued when SIGTERM came").allSatisfy(s -> {
                assertThat(s.answer().join().statusCode()).isEqualTo(200);
                assertThat(stored.get(s.sensor())).isEqualTo(s.size());
            });
        }
    }
}
