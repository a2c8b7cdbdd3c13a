package io.tidemark.query;

/** A rollup width names no incremental job ({@code rollup_<width>}). Answered 404. */
public final class UnknownRollupException extends RuntimeException {
    UnknownRollupException(String width) {
        super("no rollup '" + width + "' (no incremental job rollup_" + width + "); try 1m, 1h or 1d");
    }
}
