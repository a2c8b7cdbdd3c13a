package io.tidemark.jobs;

import io.tidemark.storage.WriteLog;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Where a job's source can hold data, read cheaply: the partitions of {@code readings} (their bounds, not their
 * rows), or for a job reading another job's table, the span of that table's buckets (its bucket index). A backfill
 * is validated against these and recomputes only the buckets inside them.
 */
final class SourceData {
    /** A half-open time range [from, to). */
    record Span(Instant from, Instant to) {}

    private SourceData() {}

    /** The spans, oldest first; empty when the source holds nothing yet. */
    static List<Span> of(Handle h, JobDefinition job) {
        if (!job.incremental() || job.source().equals(WriteLog.READINGS)) return readingsPartitions(h);
        // The source is a rollup table, its name checked by the job file parser; bucket + width covers its last one.
        return h.createQuery("SELECT min(bucket), max(bucket) + :width FROM \"" + job.source() + "\""
                        + " HAVING min(bucket) IS NOT NULL")
                .bind("width", job.bucket())
                .map((rs, ctx) -> new Span(rs.getObject(1, OffsetDateTime.class).toInstant(),
                        rs.getObject(2, OffsetDateTime.class).toInstant()))
                .list();
    }

    /** The time ranges of the partitions of readings, oldest first: readings can exist nowhere else. */
    static List<Span> readingsPartitions(Handle h) {
        return h.createQuery("SELECT lo, hi FROM readings_partitions()")
                .map((rs, ctx) -> new Span(rs.getObject(1, OffsetDateTime.class).toInstant(),
                        rs.getObject(2, OffsetDateTime.class).toInstant()))
                .list();
    }

    /** The spans as a PostgreSQL multirange literal, bound as a parameter (never spliced into SQL). */
    static String multirange(List<Span> spans) {
        StringBuilder text = new StringBuilder("{");
        for (Span s : spans) {
            if (text.length() > 1) text.append(',');
            text.append('[').append(s.from()).append(',').append(s.to()).append(')');
        }
        return text.append('}').toString();
    }
}
