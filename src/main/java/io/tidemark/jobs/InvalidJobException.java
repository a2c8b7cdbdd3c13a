package io.tidemark.jobs;

import java.nio.file.Path;

/** A job file cannot be used; the message names the file, the line (when there is one) and the problem. */
public final class InvalidJobException extends RuntimeException {
    InvalidJobException(Path file, int line, String problem) {
        super(file.getFileName() + (line > 0 ? ":" + line : "") + ": " + problem);
    }
}
