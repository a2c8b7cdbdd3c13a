package io.tidemark;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs periodic housekeeping (partitions ahead, expired idempotency keys, retention) on one daemon thread. A failing
 * task is logged and tried again at its next turn; it never stops the others.
 */
final class Maintenance {
    private static final Logger log = LoggerFactory.getLogger(Maintenance.class);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tidemark-maintenance");
        t.setDaemon(true);
        return t;
    });

    void every(Duration period, String name, Runnable task) {
        timer.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("Maintenance task '{}' failed; will try again in {}", name, period, e);
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop() {
        timer.shutdownNow();
    }
}
