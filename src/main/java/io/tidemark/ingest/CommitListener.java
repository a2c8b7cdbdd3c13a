package io.tidemark.ingest;

/**
 * Sees every batch of readings right after it commits (never before), e.g. to stream readings or evaluate alerts.
 *
 * <p>Called on a writer thread: an implementation must be fast and must never block, or it slows ingest. A listener
 * that throws is logged and does not affect the acknowledgement of the readings, which are already committed.
 */
@FunctionalInterface
public interface CommitListener {
    void onCommit(CommittedReadings readings);
}
