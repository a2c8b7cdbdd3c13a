/**
 * The live stream: committed readings (a {@link io.tidemark.ingest.CommitListener}) and stored alert events fanned
 * out to Server-Sent Events clients, each with a bounded queue of its own so that a slow client only ever loses its
 * own events, and is told so. May import {@code ingest}, {@code alerts} (the events), {@code query} (parameters,
 * globs), {@code names} (tags), {@code time}, {@code config}.
 */
package io.tidemark.stream;
