/**
 * PostgreSQL itself: the pool and Flyway migrations, the time partitions of {@code readings} and its binary COPY
 * encoding, the series registry, the write log through which writers tell incremental jobs what they wrote, and the
 * classification of database errors as retriable or fatal. May import {@code time} and {@code config}.
 */
package io.tidemark.storage;
