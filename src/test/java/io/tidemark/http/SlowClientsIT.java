package io.tidemark.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.UnixOperatingSystemMXBean;
import io.tidemark.testing.Bodies;
import io.tidemark.testing.ClientCrowd;
import io.tidemark.testing.TidemarkServerExtension;
import java.lang.management.ManagementFactory;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Clients that hold connections without finishing their requests (slow bodies, idle keep-alive) must not take the
 * server from anyone else: reading a body holds no thread, and every connection is bounded in time.
 */
class SlowClientsIT {
    private static final int SLOW = 2_000;
    private static final int IDLE = 2_000;
    private static final int SLOW_HEADERS = 500;
    /** Far above what a normal request takes, far below the seconds a starved one would wait for a thread. */
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(5);

    @RegisterExtension
    static final TidemarkServerExtension server = TidemarkServerExtension.withDefaults();

    @Test
    @Timeout(120)
    void slowBodiesAndIdleConnectionsDoNotStallOtherRequests() throws Exception {
        // Both ends of each connection live in this process: two descriptors a connection, and some to spare.
        long descriptors = ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getMaxFileDescriptorCount();
        int connections = SLOW + SLOW_HEADERS + IDLE;
        assumeTrue(descriptors > 2L * connections + 1_000,
                "this test opens " + connections + " connections; the open-files limit is " + descriptors);
        try (ClientCrowd crowd = new ClientCrowd("127.0.0.1", server.get().app().port())) {
            crowd.slowBodies(SLOW).slowHeaders(SLOW_HEADERS).idleKeepAlive(IDLE);
            for (int i = 0; i < 5; i++) {
                long started = System.nanoTime();
                HttpResponse<String> health = server.send(HttpRequest.newBuilder(server.uri("/health"))
                        .timeout(ANSWER_WITHIN).build());
                HttpResponse<String> write = server.send(HttpRequest.newBuilder(server.uri("/api/v1/readings"))
                        .timeout(ANSWER_WITHIN).header("Content-Type", Bodies.JSON)
                        .POST(BodyPublishers.ofString("{\"sensor\":\"beside-the-crowd\",\"value\":" + i + "}"))
                        .build());
                System.out.printf("with %d slow bodies, %d slow headers and %d idle connections: /health and a"
                        + " write answered in %d ms%n", SLOW, SLOW_HEADERS, IDLE,
                        (System.nanoTime() - started) / 1_000_000);
                assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
                assertThat(write.statusCode()).as(write.body()).isEqualTo(200);
                Thread.sleep(500);
            }
            assertThat(crowd.bytesTrickled()).as("the slow clients kept sending throughout")
                    .isGreaterThan(SLOW + SLOW_HEADERS);
        }
        assertThat(server.database().readings("beside-the-crowd")).hasSize(5);
    }
}
