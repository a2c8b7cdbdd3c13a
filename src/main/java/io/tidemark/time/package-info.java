/**
 * Time as Tidemark carries it: epoch microseconds in a {@code long}, PostgreSQL's own resolution, with the one set of
 * conversions to and from {@code java.time}, the one RFC 3339 parser and the one range of accepted times. Imports
 * nothing of Tidemark; every package may use it.
 */
package io.tidemark.time;
