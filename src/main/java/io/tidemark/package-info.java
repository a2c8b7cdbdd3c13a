/**
 * Tidemark: readings in over HTTP, group-committed into partitioned PostgreSQL tables, rolled up by SQL jobs,
 * streamed and watched by alert rules. {@link io.tidemark.App} is the composition root that wires the feature
 * packages together (the map is in the README's Architecture section); {@link io.tidemark.Main} is the command line.
 */
package io.tidemark;
