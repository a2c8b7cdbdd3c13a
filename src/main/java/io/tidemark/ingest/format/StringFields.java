package io.tidemark.ingest.format;

/** TEMPORARY STUB until branch lp-parser lands: what to do with string fields. */
public enum StringFields { SKIP, REJECT }
