package io.tidemark.ingest;

/**
 * The answer to an accepted request: how many readings were committed, whether this is a replayed answer, and how
 * many values of the body were skipped on purpose as not being readings (see {@code SkipReason}: line protocol's
 * string fields, remote write's NaNs and staleness markers).
 */
public record IngestResult(int accepted, boolean replayed, int skipped) {
    public IngestResult(int accepted, boolean replayed) {
        this(accepted, replayed, 0);
    }

    IngestResult withSkipped(int count) {
        return new IngestResult(accepted, replayed, count);
    }
}
