/**
 * PostgreSQL itself: the pool and Flyway migrations, the time partitions of {@code readings} and its binary COPY
 * encoding, the series registry, the dirty-bucket protocol between writers and incremental jobs, and the
 * classification of database errors as retriable or fatal. May import {@code time} and {@code config}.
 */
package io.tidemark.storage;
