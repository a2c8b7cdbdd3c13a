package io.tidemark.ingest;

/** The answer to an accepted request: how many readings were committed, and whether this is a replayed answer. */
public record IngestResult(int accepted, boolean replayed) {}
