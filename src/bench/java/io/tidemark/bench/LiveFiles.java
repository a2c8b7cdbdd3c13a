package io.tidemark.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The request files of the production figures (issue 13), written anew just before a figure sends them: the pool
 * stamped by {@link LiveStamps} at that moment, so that the same share of readings is late in every figure and
 * round however long the run has been going. A figure's peers get the same file right after Tidemark.
 */
final class LiveFiles {
    /** Distinct small JSON requests: the pool repeats within a figure (JSON bodies are never taken for replays). */
    static final int SMALL_JSON_REQUESTS = 20_000;

    private final Workload pool;
    private final LiveStamps stamps;
    private final Path work;
    private final long spreadMillis;

    LiveFiles(Workload pool, LiveStamps stamps, Path work, BenchSettings settings) {
        this.pool = pool;
        this.stamps = stamps;
        this.work = work;
        this.spreadMillis = settings.seconds() * 1000L;
    }

    /** The pool stamped now. */
    Workload stamped() {
        return stamps.stamp(pool, System.currentTimeMillis(), spreadMillis);
    }

    LiveStamps stamps() {
        return stamps;
    }

    /** Bulk JSON: one tick of 1000 readings per request. */
    Path bulkJson() throws IOException {
        return write("live-bulk", stamped().bulkRequests("127.0.0.1"));
    }

    /** Small JSON: one reading per request, {@link #SMALL_JSON_REQUESTS} of them. */
    Path smallJson() throws IOException {
        return write("live-small", stamped().singleRequests("127.0.0.1", SMALL_JSON_REQUESTS));
    }

    /** Line protocol, 5000 lines per request; only the late lines carry their timestamps. */
    Path lineProtocol() throws IOException {
        return write("live-lineprotocol", stamped().liveLineProtocolRequests("127.0.0.1", InfluxServer.DATABASE,
                stamps::late));
    }

    /** Line protocol, one line with its timestamp per request, {@code count} distinct requests at most. */
    Path smallLineProtocol(int count) throws IOException {
        return write("live-small-lineprotocol", stamped().smallLineProtocolRequests("127.0.0.1",
                InfluxServer.DATABASE, count));
    }

    private Path write(String name, List<byte[]> requests) throws IOException {
        Path file = work.resolve(name + ".requests");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            Workload.writeReplayFile(requests, out);
        }
        return file;
    }
}
