/**
 * Alerts: rules from {@code alerts.rules} evaluated on the feed, so on every committed reading of every node in commit
 * order, each rule by one node at a time (its owner, by advisory lock) that checkpoints where it stands together with
 * the alerts it stores; the stored events go to the feed (so to every stream) and to the webhook; and the listing of
 * stored alerts. Nothing here slows ingest: rules read the feed at their own pace. May import {@code feed},
 * {@code query} (parameters, globs), {@code names} (tags), {@code storage}, {@code retry}, {@code time},
 * {@code config}.
 */
package io.tidemark.alerts;
