/**
 * The live stream: the feed's rows (committed readings and stored alert events, in commit order across every node)
 * as Server-Sent Events, each with its feed position as its id, so a client that reconnects anywhere with
 * {@code Last-Event-ID} resumes exactly where it stopped. Each client reads through its own feed cursor: a slow one
 * falls back to reading the table and never slows ingest or other clients. May import {@code feed}, {@code names}
 * (tags), {@code query} (parameters, globs), {@code storage} (series names), {@code time}, {@code config}.
 */
package io.tidemark.stream;
