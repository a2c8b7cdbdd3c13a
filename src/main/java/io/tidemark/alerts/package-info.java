/**
 * Alerts: rules from {@code alerts.rules} evaluated in memory on every committed reading (a
 * {@link io.tidemark.ingest.CommitListener}, so nothing fires before it is durable), the events stored in the
 * {@code alerts} table on a thread of their own, then handed on (to the stream) and POSTed to the webhook; and the
 * listing of stored alerts. Nothing here may slow the writer: work goes to bounded queues that drop and count.
 * May import {@code ingest}, {@code query} (parameters, globs), {@code names} (tags), {@code storage},
 * {@code retry}, {@code time}, {@code config}.
 */
package io.tidemark.alerts;
