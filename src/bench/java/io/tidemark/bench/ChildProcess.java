package io.tidemark.bench;

import java.util.concurrent.TimeUnit;

/** Stopping the servers the benchmark starts. */
final class ChildProcess {
    private ChildProcess() {}

    /** SIGTERM, then SIGKILL after 30 s; an interrupt kills at once (and is kept for the caller). */
    static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
