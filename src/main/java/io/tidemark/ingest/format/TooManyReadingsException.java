package io.tidemark.ingest.format;

import java.io.IOException;

/** A request body holds more readings than one request may; nothing of it was stored. */
public final class TooManyReadingsException extends IOException {
    TooManyReadingsException(String message) {
        super(message);
    }
}
