/**
 * PostgreSQL itself: the pool and Flyway migrations, the time partitions of {@code readings} and its binary COPY
 * encoding, the series registry, the write log through which writers tell incremental jobs what they wrote, the
 * {@code latest} table of every series' newest reading, the classification of database errors as retriable or
 * fatal, and the wait for PostgreSQL at start-up. May import {@code names} (tags), {@code retry} (that wait backs
 * off), {@code time} and {@code config}.
 */
package io.tidemark.storage;
