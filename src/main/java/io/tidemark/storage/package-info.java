/**
 * PostgreSQL itself: the pool and Flyway migrations, the time partitions of {@code readings}, the series registry,
 * and the classification of database errors as retriable or fatal.
 */
package io.tidemark.storage;
