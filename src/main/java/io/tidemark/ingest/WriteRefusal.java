package io.tidemark.ingest;

import io.tidemark.storage.ResourceShortage;
import java.time.Instant;

/** Writes refused since {@code since} because PostgreSQL lacks {@code shortage}; {@code refusedRequests} so far. */
public record WriteRefusal(ResourceShortage shortage, Instant since, long refusedRequests) {}
