package io.tidemark.storage;

import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The summaries of the BRIN index on {@code readings.ts}. PostgreSQL summarizes the page ranges written since the
 * last summary only in VACUUM, or through {@code autosummarize}, which needs autovacuum and which a partitioned index
 * does not take. Until then those pages match every time range, so a query past a rollup's watermark (every live
 * rollup, for the newest minutes) read the whole unsummarized tail of the current partition: 12-77 ms for one series'
 * hour at 100M readings, against 3.5 ms summarized (bench/PROFILE.md). Summarizing after each run of a job that reads
 * {@code readings} keeps the tail to what was written since: the pages the run has just read.
 */
public final class ReadingsSummaries {
    private static final Logger log = LoggerFactory.getLogger(ReadingsSummaries.class);
    private static final String SUMMARIZE = """
            SELECT coalesce(sum(brin_summarize_new_values(i.inhrelid::regclass)), 0)
            FROM pg_inherits i WHERE i.inhparent = 'readings_ts_brin'::regclass""";
    /** SQLSTATE lock_not_available: a VACUUM or a partition being dropped holds a partition's lock. */
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private ReadingsSummaries() {}

    /**
     * Summarizes the page ranges of every partition written since their last summary; returns how many, or -1 when a
     * partition's lock was not to be had within 100 ms (it is done the next time). Writers are not held up: it takes
     * the lock VACUUM takes, which {@code COPY} does not conflict with.
     */
    public static long summarizeNew(Handle h) {
        try {
            return h.inTransaction(tx -> {
                tx.execute("SET LOCAL lock_timeout = '100ms'");
                return tx.createQuery(SUMMARIZE).mapTo(Long.class).one();
            });
        } catch (RuntimeException e) {
            if (!LOCK_NOT_AVAILABLE.equals(SqlErrors.sqlState(e))) throw e;
            log.debug("BRIN summaries of readings left for the next run: a partition is locked");
            return -1;
        }
    }
}
