/**
 * How Tidemark waits before trying again: one capped exponential backoff with jitter, shared by every component that
 * retries. Imports nothing of Tidemark.
 */
package io.tidemark.retry;
