package io.tidemark.ingest;

/** How the readings of a request body are laid out. */
public enum BodyFormat {
    /** One JSON object, or a JSON array of objects. */
    JSON,
    /** Newline-delimited JSON: one object per line. */
    NDJSON
}
