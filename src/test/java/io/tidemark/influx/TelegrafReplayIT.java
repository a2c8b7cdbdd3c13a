package io.tidemark.influx;

import static io.tidemark.influx.InfluxHttp.written;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.testing.Await;
import io.tidemark.testing.Bodies;
import io.tidemark.testing.TableLock;
import io.tidemark.testing.TestServer;
import io.tidemark.testing.TidemarkClient;
import io.tidemark.testing.TidemarkServerExtension;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exactly what Telegraf's {@code outputs.influxdb} sends (CREATE DATABASE at connect, then gzipped batches of 1000
 * metrics with nanosecond timestamps and no precision), and each answer read as Telegraf reads it: 204 is success,
 * a JSON error saying "unable to parse" makes it drop the batch, a 503 with Retry-After makes it retry.
 */
@Timeout(120)
class TelegrafReplayIT {
    private static final String[] TELEGRAF = {"Content-Type", "text/plain; charset=utf-8", "Content-Encoding", "gzip",
        "User-Agent", "Telegraf/1.28.5 Go/1.21.5"};

    @RegisterExtension
    static final TidemarkServerExtension server = TidemarkServerExtension.withDefaults();

    private InfluxHttp influx;

    @BeforeEach
    void client() {
        influx = new InfluxHttp(server.get());
    }

    @Test
    void createsItsDatabaseThenWritesBatchesStoredOnceEvenWhenResent() {
        HttpResponse<String> created = influx.post("/query", "q=" + URLEncoder.encode("CREATE DATABASE \"telegraf\"",
                StandardCharsets.UTF_8), "Content-Type", "application/x-www-form-urlencoded",
                "User-Agent", TELEGRAF[5]);
        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(TidemarkClient.json(created).path("results").get(0).path("error").isMissingNode()).isTrue();

        byte[] first = Bodies.gzip(TelegrafBatches.cpu("web-1", 1000));
        byte[] second = Bodies.gzip(TelegrafBatches.cpu("web-2", 1000));
        written(influx.post("/write?db=telegraf", first, TELEGRAF));
        written(influx.post("/write?db=telegraf", second, TELEGRAF));
        assertThat(influx.count("telegraf")).isEqualTo(4000);

        // A timeout on Telegraf's side: the batch stays buffered and is sent again, unchanged.
        HttpResponse<String> resent = written(influx.post("/write?db=telegraf", first, TELEGRAF));

        assertThat(resent.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(influx.count("telegraf")).as("nothing stored twice").isEqualTo(4000);
        assertThat(server.queryLong("SELECT count(DISTINCT tags) FROM series WHERE sensor = 'cpu'"
                + " AND tags->>'db' = 'telegraf'")).as("cpu0..3 on two hosts").isEqualTo(8);
    }

    @Test
    void aBatchWithOneBadLineIsRefusedWithAnErrorTelegrafDrops() {
        String good = TelegrafBatches.cpu("bad-batch", 1000);
        String[] lines = good.split("\n");
        String timestamp = lines[536].substring(lines[536].lastIndexOf(' ') + 1);
        lines[536] = "cpu,host=bad-batch usage_idle=not-a-number " + timestamp;

        HttpResponse<String> answer = influx.post("/write?db=telegraf_bad",
                Bodies.gzip(String.join("\n", lines) + "\n"), TELEGRAF);

        String error = InfluxHttp.v1Error(answer, 400);
        // Telegraf drops a 4xx batch whose error says "unable to parse", instead of retrying it forever.
        assertThat(error).contains("unable to parse", "(line 537)");
        assertThat(influx.count("telegraf_bad")).isZero();
    }

    @Test
    void aStringFieldIsSkippedAndTheBatchStillSucceeds() {
        HttpResponse<String> answer = written(influx.post("/write?db=telegraf_strings", Bodies.gzip(
                "system,host=h uptime_format=\"3 days,  4:05\",load1=0.5 " + System.currentTimeMillis() * 1_000_000L
                        + "\n"), TELEGRAF));

        assertThat(answer.headers().firstValue("X-Tidemark-Skipped-Fields")).hasValue("1");
        assertThat(influx.rows("telegraf_strings")).extracting(r -> r.get(1)).containsExactly("load1");
    }

    /** With the writer blocked and the queue full, a batch is a 503 with Retry-After and JSON: Telegraf retries. */
    @Test
    void overloadIs503WithRetryAfterAndAJsonBody() {
        try (TestServer small = TestServer.start("ingest:\n  queue_capacity: 2000\n  commit_timeout: 2m\n")) {
            InfluxHttp influx = new InfluxHttp(small);
            CompletableFuture<HttpResponse<String>> queued;
            try (TableLock lock = small.database().lockTable("readings")) {
                queued = small.api().sendAsync(HttpRequest.newBuilder(small.uri("/write?db=telegraf"))
                        .timeout(Duration.ofSeconds(90)).headers(TELEGRAF)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(Bodies.gzip(TelegrafBatches.cpu("q", 1000))))
                        .build());
                Await.until("the first batch to be queued", () -> small.api().queuedReadings() == 2000);

                HttpResponse<String> refused = influx.post("/write?db=telegraf",
                        Bodies.gzip(TelegrafBatches.cpu("refused", 10)), TELEGRAF);

                String error = InfluxHttp.v1Error(refused, 503);
                assertThat(error).contains("queue is full");
                assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(
                        s -> assertThat(Integer.parseInt(s)).isPositive());
            }
            written(queued.join());
            assertThat(influx.count("telegraf")).isEqualTo(2000);
            assertThat(small.queryLong("SELECT count(*) FROM readings_v WHERE tags->>'host' = 'refused'")).isZero();
        }
    }
}
