package io.tidemark.jobs;

import java.time.Instant;

/** What a run did: the span of the windows it (re)computed, the buckets in them and the rows its statements wrote. */
record RunOutcome(Instant windowStart, Instant windowEnd, int buckets, long rowsWritten) {
    static final RunOutcome NOTHING = new RunOutcome(null, null, 0, 0);

    RunOutcome plus(RunOutcome other) {
        if (other.buckets == 0 && other.windowStart == null) return this;
        if (buckets == 0 && windowStart == null) return other;
        return new RunOutcome(min(windowStart, other.windowStart), max(windowEnd, other.windowEnd),
                buckets + other.buckets, rowsWritten + other.rowsWritten);
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
