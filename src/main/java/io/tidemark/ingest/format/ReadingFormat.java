package io.tidemark.ingest.format;

import java.io.IOException;
import java.io.InputStream;

/**
 * One way readings arrive in a request body. Every on-ramp is one implementation: it turns a body into the same
 * {@link ParsedReadings}, checked against the same rules, and the one write path takes it from there. Implementations
 * are thread-safe: one instance serves every request.
 */
public interface ReadingFormat {
    /**
     * Reads {@code body} to the last reading (leaving it open: the caller may read on, to finish an idempotency hash,
     * and closes it), checking every reading against the names' rules and {@code window}.
     *
     * @throws InvalidReadingsException listing every problem found, if there is any; nothing is to be stored then
     * @throws IOException when reading the body fails (including a body over the size limit)
     */
    ParsedReadings parse(InputStream body, TimeWindow window) throws IOException;
}
