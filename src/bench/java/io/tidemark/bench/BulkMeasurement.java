package io.tidemark.bench;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One bulk measurement of the benchmark against a server (see {@link Benchmark#measureTidemark}): what the A/B
 * figures (feed on and off, latest on and off) measure each party with, on servers of their own.
 */
interface BulkMeasurement {
    Figure.Run measure(String what, TidemarkServer server) throws Exception;

    /** The bulk figure's warm-up: its load for 20 s (5 s with --quick), then until the queue is empty. */
    static void warmUp(BenchSettings settings, TidemarkServer server, Path bulkFile) throws Exception {
        new Wrk(settings).run(server.port(), bulkFile, settings.bulkConnections(), settings.quick() ? 5 : 20,
                new AtomicLong());
        Benchmark.awaitQueueEmpty(server);
    }
}
