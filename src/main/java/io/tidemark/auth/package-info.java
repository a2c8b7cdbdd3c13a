/**
 * Who a request is and what it may do: scoped API tokens (stored as SHA-256 hashes, created and revoked through the
 * admin API, cached for at most two seconds so a revocation reaches every node quickly), the bootstrap admin token,
 * the anonymous grant, single-use stream tickets and the refusal of clients that keep failing. Knows nothing of HTTP.
 * May import {@code storage}, {@code config}, {@code time}.
 */
package io.tidemark.auth;
