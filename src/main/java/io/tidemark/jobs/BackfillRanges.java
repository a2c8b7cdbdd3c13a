package io.tidemark.jobs;

import io.tidemark.storage.WriteLog;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Checks a backfill range against the data before anything is marked. A timestamp outside RFC 3339's years
 * (0000-9999) is refused naming its field: such instants reached PostgreSQL as {@code -infinity} and made an
 * endless series. A range that overlaps none of the data the job's source holds is refused too, saying where the data
 * is. Otherwise the range is cut to the data: nothing before the oldest data can be recomputed (an incremental job
 * would only delete rollup rows there), and nothing can exist past the newest partition of readings yet.
 */
final class BackfillRanges {
    static final Instant EARLIEST = Instant.parse("0000-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    private BackfillRanges() {}

    /** @throws InvalidBackfillException naming {@code from} or {@code to} and the bound it crosses */
    static JobRunner.Backfill check(Handle h, JobDefinition job, Instant from, Instant to) {
        checkYear("from", from);
        checkYear("to", to);
        List<SourceData.Span> data = SourceData.of(h, job);
        String source = job.incremental() ? job.source() : WriteLog.READINGS;
        if (data.isEmpty()) {
            throw new InvalidBackfillException("from: " + source + " holds no data yet, so " + job.name()
                    + " has nothing to recompute");
        }
        Instant oldest = data.get(0).from();
        List<SourceData.Span> partitions = source.equals(WriteLog.READINGS) ? data : SourceData.readingsPartitions(h);
        Instant newest = (partitions.isEmpty() ? data : partitions).stream().map(SourceData.Span::to)
                .max(Instant::compareTo).orElseThrow();
        if (!from.isBefore(newest)) {
            throw new InvalidBackfillException("from: " + from + " is not before the newest time data can exist yet ("
                    + newest + ", the end of the newest partition of readings): nothing to recompute");
        }
        if (!to.isAfter(oldest)) {
            throw new InvalidBackfillException("to: " + to + " is not after the oldest data " + job.name()
                    + " can read (" + source + " from " + oldest + "): nothing to recompute");
        }
        return new JobRunner.Backfill(latest(from, oldest), earliest(to, newest), data);
    }

    private static void checkYear(String field, Instant t) {
        if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
            throw new InvalidBackfillException(field + ": " + t + " is outside the years 0000-9999 of RFC 3339");
        }
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
