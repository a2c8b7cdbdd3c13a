/**
 * Tidemark: readings in over HTTP, group-committed into partitioned PostgreSQL tables. {@link io.tidemark.App} wires
 * the feature packages together; {@link io.tidemark.Main} is the command line.
 */
package io.tidemark;
