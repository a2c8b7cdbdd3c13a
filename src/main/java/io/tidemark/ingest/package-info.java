/**
 * The write path: streaming parse and validation of readings, series resolution, and the group-commit writer that
 * COPYs many requests in one transaction and acknowledges each only after commit. Independent of HTTP.
 */
package io.tidemark.ingest;
