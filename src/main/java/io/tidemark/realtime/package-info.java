/**
 * The real-time side: answers that are never stale (rollups computed from materialized buckets and raw readings
 * together, series and raw readings), the Server-Sent Events stream of committed readings and alerts, and alert
 * rules evaluated in memory right after each commit. The stream and the alerts hang off
 * {@link io.tidemark.ingest.CommitListener}, so nothing is seen before it is durable, and nothing here may slow the
 * writer: work goes to bounded queues drained by threads of their own. Knows nothing of HTTP.
 */
package io.tidemark.realtime;
