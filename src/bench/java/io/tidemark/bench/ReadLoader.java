package io.tidemark.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Writes a range of {@link ReadHistory} into one store, oldest first, in chunks of an hour spread over a few threads:
 * binary COPY into Tidemark's readings, line protocol ({@link #LINES_PER_BODY} lines a POST) to InfluxDB's or
 * VictoriaMetrics' {@code /write}, Tidemark JSON bodies to {@code /api/v1/readings}. A write the server refuses for
 * the moment (InfluxDB's 500 when its cache is full, Tidemark's 503) is sent again after a pause.
 */
final class ReadLoader {
    static final int LINES_PER_BODY = 10_000;
    private static final int JSON_PER_BODY = 1000;
    private static final long CHUNK_MILLIS = 3_600_000L;

    /** One chunk [from, to) of the range. */
    private interface Chunk {
        void write(long from, long to) throws Exception;
    }

    private final ReadHistory history;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    ReadLoader(ReadHistory history) {
        this.history = history;
    }

    /** COPY of [from, to) into readings, on {@code connections} connections of {@code database}. */
    void copy(BenchDatabase database, int[] seriesIds, long from, long to, int connections) throws Exception {
        inChunks(from, to, connections, (a, b) -> {
            ByteBuffer rows = ByteBuffer.allocate(Workload.COPY_HEADER.length
                    + (int) history.readings(a, b) * Workload.COPY_ROW_BYTES + Workload.COPY_TRAILER.length);
            rows.put(Workload.COPY_HEADER);
            history.forEach(a, b, (s, t, v) -> ReadHistory.copyRow(rows, seriesIds[s], t, v));
            rows.put(Workload.COPY_TRAILER);
            try (Connection c = database.connect()) {
                CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI()
                        .copyIn("COPY readings (series_id, ts, value) FROM STDIN (FORMAT binary)");
                copy.writeToCopy(rows.array(), 0, rows.position());
                copy.endCopy();
            }
        });
    }

    /** Line protocol with millisecond timestamps, POSTed to {@code write} (its query has precision=ms). */
    void lineProtocol(URI write, long from, long to, int threads) throws Exception {
        inChunks(from, to, threads, (a, b) -> {
            List<String> bodies = new ArrayList<>();
            StringBuilder body = new StringBuilder(LINES_PER_BODY * 60);
            int[] lines = {0};
            history.forEach(a, b, (s, t, v) -> {
                ReadHistory.lineProtocol(body, s, t, v);
                if (++lines[0] == LINES_PER_BODY) {
                    bodies.add(body.toString());
                    body.setLength(0);
                    lines[0] = 0;
                }
            });
            if (lines[0] > 0) bodies.add(body.toString());
            for (String b2 : bodies) {
                post(HttpRequest.newBuilder(write).header("Content-Type", "text/plain; charset=utf-8"), b2);
            }
        });
    }

    /** Tidemark JSON array bodies to {@code readings} ({@code POST /api/v1/readings}) with {@code token}. */
    void json(URI readings, String token, long from, long to) throws Exception {
        List<String> bodies = new ArrayList<>();
        StringBuilder body = new StringBuilder("[");
        int[] n = {0};
        history.forEach(from, to, (s, t, v) -> {
            ReadHistory.json(body, s, t, v);
            if (++n[0] == JSON_PER_BODY) {
                bodies.add(body.append(']').toString());
                body.setLength(0);
                body.append('[');
                n[0] = 0;
            }
        });
        if (n[0] > 0) bodies.add(body.append(']').toString());
        for (String b : bodies) {
            post(HttpRequest.newBuilder(readings).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + token), b);
        }
    }

    private void post(HttpRequest.Builder request, String body) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> r = http.send(request.POST(HttpRequest.BodyPublishers.ofString(body))
                    .timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 == 2) return;
            if ((r.statusCode() != 500 && r.statusCode() != 503) || attempt == 30) {
                throw new IOException("a write answered " + r.statusCode() + " (attempt " + attempt + "): "
                        + r.body());
            }
            Thread.sleep(500L * attempt);
        }
    }

    /** Runs {@code chunk} over [from, to) in hours, oldest first, on {@code threads} threads. */
    private static void inChunks(long from, long to, int threads, Chunk chunk) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (long a = from; a < to; a += CHUNK_MILLIS) {
                long start = a;
                long end = Math.min(to, a + CHUNK_MILLIS);
                done.add(pool.submit(() -> {
                    chunk.write(start, end);
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdownNow();
        }
    }
}
