package io.tidemark.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LockWaitsTest {
    private static final String COPY = "COPY readings (series_id, ts, value) FROM STDIN (FORMAT binary)";
    private static final String LOCK_READERS = "SELECT txid_current(), j.job, j.width, j.watermark\n"
            + "FROM (VALUES (1)) AS one LEFT JOIN LATERAL (SELECT job FROM job_state WHERE source = $1"
            + " ORDER BY job FOR SHARE) AS j ON true";
    private static final String JOB_DELETE = "DELETE FROM dirty_buckets WHERE job = $1 AND bucket IN ("
            + "SELECT bucket FROM dirty_buckets WHERE job = $2 ORDER BY bucket LIMIT $3 FOR UPDATE) RETURNING bucket";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "COPY readings (series_id, ts, value) FROM STDIN (FORMAT binary) | WRITER",
        "INSERT INTO idempotency_keys (key, request_hash, accepted) VALUES ($1, $2, $3) | WRITER",
        "SELECT key, request_hash, accepted FROM idempotency_keys WHERE key = ANY($1::text[]) | WRITER",
        "DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1) | OTHER",
        "SELECT txid_current(), j.job FROM job_state WHERE source = $1 FOR SHARE | SHARED",
        "INSERT INTO dirty_buckets (job, bucket) SELECT $1, b FROM unnest($2::bigint[]) AS b | SHARED",
        "DELETE FROM dirty_buckets WHERE job = $1 RETURNING bucket | JOB",
        "INSERT INTO dirty_buckets (job, bucket) SELECT $1, generate_series($2, $3 - $4, $4) | JOB",
        "SELECT watermark FROM job_state WHERE job = $1 FOR UPDATE | JOB",
        "UPDATE job_state SET watermark = $1, updated_at = now() WHERE job = $2 | JOB",
        "INSERT INTO rollup_1m (series_id, bucket, count) SELECT series_id, date_bin($1, ts, 'epoch') | JOB",
        "DELETE FROM rollup_1h WHERE bucket >= $1 AND bucket < $2 | JOB",
        "INSERT INTO job_runs (job, trigger, status, instance) VALUES ($1, $2, 'running', $3) | JOB",
        "SELECT pg_try_advisory_lock($1, hashtext($2)) | JOB",
        "SELECT metric, bucket, count FROM rollup_live($1, $2, $3, $4, $5) | OTHER",
        "SELECT count(*) FROM job_state WHERE job = $1 | OTHER"})
    void tellsStatementsApartByTheirText(String query, LockWaits.Kind kind) {
        assertThat(LockWaits.classify(query)).isEqualTo(kind);
    }

    private static LockWaits.Backend waiting(int pid, long xactStart, long queryStart, String query) {
        return new LockWaits.Backend(pid, "active", "Lock", xactStart, queryStart, query);
    }

    private static LockWaits.Backend running(int pid, long xactStart, String query) {
        return new LockWaits.Backend(pid, "active", null, xactStart, xactStart, query);
    }

    @Test
    void writerWaitIsSamplesTimesTheIntervalAndTheLongestIsConsecutiveSamplesOfOneStatement() {
        LockWaits waits = new LockWaits();
        waits.observe(1_000_000, List.of(waiting(1, 900_000, 900_000, LOCK_READERS), waiting(2, 950_000, 960_000,
                COPY)));
        waits.observe(1_100_000, List.of(waiting(1, 900_000, 900_000, LOCK_READERS)));
        waits.observe(1_200_000, List.of(waiting(1, 900_000, 900_000, LOCK_READERS)));
        waits.observe(1_300_000, List.of());
        waits.observe(1_400_000, List.of(waiting(1, 1_350_000, 1_350_000, LOCK_READERS))); // a new wait
        LockWaits.Summary s = waits.summary();
        assertThat(s.samples()).isEqualTo(5);
        assertThat(s.writerWaitSamples()).isEqualTo(5);
        assertThat(s.writerWaitSeconds()).isCloseTo(0.5, within(1e-9));
        assertThat(s.longestWriterWaitSeconds()).isCloseTo(0.3, within(1e-9));
    }

    @Test
    void sharedStatementOfAJobTransactionIsNotAWritersWait() {
        LockWaits waits = new LockWaits();
        waits.observe(1_000_000, List.of(running(7, 500_000, JOB_DELETE)));
        waits.observe(3_500_000, List.of(waiting(7, 500_000, 3_400_000, LOCK_READERS), waiting(8, 3_450_000,
                3_450_000, LOCK_READERS)));
        LockWaits.Summary s = waits.summary();
        assertThat(s.writerWaitSamples()).isEqualTo(1); // pid 8 only
        assertThat(s.longestJobTransactionSeconds()).isEqualTo(3.0);
    }

    @Test
    void aNewTransactionOnAPooledConnectionIsAWritersAgain() {
        LockWaits waits = new LockWaits();
        waits.observe(1_000_000, List.of(running(7, 500_000, JOB_DELETE)));
        waits.observe(2_000_000, List.of(waiting(7, 1_900_000, 1_900_000, LOCK_READERS)));
        assertThat(waits.summary().writerWaitSamples()).isEqualTo(1);
    }
}
