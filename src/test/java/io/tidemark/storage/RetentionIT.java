package io.tidemark.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.config.JobsConfig;
import io.tidemark.config.PartitionConfig;
import io.tidemark.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Retention drops old raw partitions, but never one a rollup job has still to materialize; with a partition go the
 * {@code latest} rows of series whose newest reading was in it, and only those.
 */
class RetentionIT {
    private static final String OLD = "SELECT count(*) FROM pg_class WHERE relname = 'readings_20250101'";

    @Test
    void keepsPartitionsARollupStillNeedsThenDropsThem() throws InterruptedException {
        try (TestServer server = TestServer.start(c -> c
                .withPartitions(new PartitionConfig(null, null, Duration.ofMillis(300), Duration.ofDays(31)))
                .withJobs(new JobsConfig("jobs", false, null, null, null, null)))) {
            server.execute("CREATE TABLE readings_20250101 PARTITION OF readings"
                    + " FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2025-01-02 00:00:00+00')");
            server.execute("INSERT INTO readings VALUES (1, '2025-01-01 12:00:00+00', 1.0)");
            server.execute("INSERT INTO latest VALUES (1, '2025-01-01 12:00:00+00', 1.0), (2, now(), 2.0)");
            // rollup_1m has not materialized 2025-01-01 yet:
            server.execute("UPDATE job_state SET watermark = '2025-01-01 00:00:00+00' WHERE job = 'rollup_1m'");
            Thread.sleep(1500); // several maintenance rounds
            assertThat(server.queryLong(OLD)).as("partition a job still needs").isEqualTo(1);
            assertThat(server.queryLong("SELECT count(*) FROM latest")).as("its series' latest row").isEqualTo(2);

            server.execute("UPDATE job_state SET watermark = date_trunc('day', now()) WHERE job = 'rollup_1m'");
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (server.queryLong(OLD) == 1 && System.nanoTime() < deadline) Thread.sleep(100);
            assertThat(server.queryLong(OLD)).as("partition past retention, materialized").isZero();
            assertThat(server.queryLong("SELECT string_agg(series_id::text, ',') FROM latest"))
                    .as("the series whose readings all went has no latest row; the other keeps its own").isEqualTo(2);
            assertThat(server.queryLong("SELECT count(*) FROM pg_inherits WHERE inhparent = 'readings'::regclass"))
                    .as("recent partitions stay").isGreaterThanOrEqualTo(4);
        }
    }
}
