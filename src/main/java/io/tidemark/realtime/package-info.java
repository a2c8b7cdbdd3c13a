/**
 * The real-time side: answers that are never stale, computed from materialized rollups and raw readings together.
 */
package io.tidemark.realtime;
