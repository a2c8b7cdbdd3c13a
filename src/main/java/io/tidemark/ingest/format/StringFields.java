package io.tidemark.ingest.format;

/** What line protocol's string fields become: Tidemark stores numbers only. */
public enum StringFields {
    /** Left out and counted in {@link ParsedReadings#skipped()}; the rest of the line is stored. */
    SKIP,
    /** Each one is a problem, so the body is refused. */
    REJECT
}
