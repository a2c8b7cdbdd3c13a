/**
 * The real-time side: live queries over series and raw readings, the Server-Sent Events stream of committed
 * readings and alerts, and alert rules evaluated in memory right after each commit. Everything here hangs off
 * {@link io.tidemark.ingest.CommitListener}, so nothing is seen before it is durable, and nothing here may slow the
 * writer: it hands work to bounded queues drained by threads of its own. Knows nothing of HTTP.
 */
package io.tidemark.realtime;
