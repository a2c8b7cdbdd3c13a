package io.tidemark.alerts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves ({@code rule_removed}) the open alerts of rules that are gone: listed in {@code alerts.retired_rules}, or
 * in no running node's configuration for {@code alerts.forget_rules_after}. "No running node" is decided by
 * PostgreSQL: every node holds a shared advisory lock per rule it knows on its session (see {@link RuleOwnership}), so
 * taking that lock exclusively succeeds only if no session holds it, and, held to the end of the transaction, keeps a
 * node that starts with the rule from declaring it until the alerts are resolved. "For how long" comes from
 * {@code alert_rules_seen}, where every node says every {@link RuleOwners#RETIRE_INTERVAL} which rules it has: so a
 * rule whose nodes are all down for a while, as in a rolling restart, is not taken for removed. The rule's checkpoint
 * goes too.
 */
final class RuleRetirement {
    private static final Logger log = LoggerFactory.getLogger(RuleRetirement.class);
    private static final String RULES = """
            SELECT rule FROM alerts WHERE resolved_at IS NULL UNION SELECT rule FROM alert_checkpoints""";
    private static final String NOBODY_KNOWS = "SELECT pg_try_advisory_xact_lock(hashtextextended(:rule, "
            + RuleOwnership.KNOWS_SEED + "))";
    private static final String RESOLVE = """
            WITH changed AS (
                UPDATE alerts SET resolved_at = :now, resolution = 'rule_removed'
                WHERE rule = :rule AND resolved_at IS NULL RETURNING *
            )
            """ + AlertRows.SELECT_CHANGED;
    private static final String FORGET = """
            WITH c AS (DELETE FROM alert_checkpoints WHERE rule = :rule)
            DELETE FROM alert_rules_seen WHERE rule = :rule""";
    private static final String SEEN = """
            INSERT INTO alert_rules_seen (rule, seen_at) SELECT r, clock_timestamp() FROM unnest(:rules) r
            ON CONFLICT (rule) DO UPDATE SET seen_at = excluded.seen_at""";
    /** Starts the wait for a rule that was never seen (alerts from before this table) when it is first missed. */
    private static final String UNSEEN_FOR = """
            WITH first_missed AS (
                INSERT INTO alert_rules_seen (rule, seen_at) VALUES (:rule, clock_timestamp())
                ON CONFLICT (rule) DO NOTHING RETURNING seen_at
            )
            SELECT clock_timestamp() - coalesce((SELECT seen_at FROM first_missed),
                                                (SELECT seen_at FROM alert_rules_seen WHERE rule = :rule))
                   >= :grace * INTERVAL '1 millisecond'""";

    private final Jdbi jdbi;
    private final Set<String> known;
    private final Set<String> retired;
    private final Clock clock;
    private final Duration grace;
    private final boolean appendToFeed;

    /** @param appendToFeed whether events go to the feed too ({@code feed.enabled}) */
    RuleRetirement(Jdbi jdbi, Set<String> known, Set<String> retired, Duration grace, Clock clock,
            boolean appendToFeed) {
        this.jdbi = jdbi;
        this.known = Set.copyOf(known);
        this.retired = Set.copyOf(retired);
        this.clock = clock;
        this.grace = grace;
        this.appendToFeed = appendToFeed;
    }

    /** Says, in {@code alert_rules_seen}, that this node has its rules now. */
    void declare() {
        if (known.isEmpty()) return;
        jdbi.useHandle(h -> h.createUpdate(SEEN).bindArray("rules", String.class, known).execute());
    }

    /** Resolves the alerts of every gone rule; returns the events stored (already in the feed). */
    List<AlertEvent> resolveGoneRules() {
        List<String> stored = jdbi.withHandle(h -> h.createQuery(RULES).mapTo(String.class).list());
        Set<String> rules = new TreeSet<>(stored);
        rules.removeAll(known);
        List<AlertEvent> events = new ArrayList<>();
        List<String> resolvedRules = new ArrayList<>();
        for (String rule : rules) {
            Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
            List<AlertEvent> resolved = jdbi.inTransaction(h -> {
                if (!retired.contains(rule)) {
                    boolean nobodyKnows = h.createQuery(NOBODY_KNOWS).bind("rule", rule).mapTo(Boolean.class).one();
                    if (!nobodyKnows) return null;
                    boolean longEnough = h.createQuery(UNSEEN_FOR).bind("rule", rule).bind("grace", grace.toMillis())
                            .mapTo(Boolean.class).one();
                    if (!longEnough) return null;
                }
                List<AlertEvent> written = h.createQuery(RESOLVE).bind("rule", rule).bind("now", AlertRows.utc(now))
                        .map(AlertRows.MAPPER).stream().map(a -> new AlertEvent(AlertEvent.Kind.RESOLVED, a)).toList();
                h.createUpdate(FORGET).bind("rule", rule).execute();
                if (appendToFeed) AlertStore.appendToFeed(h, written);
                return written;
            });
            if (resolved == null) continue;
            events.addAll(resolved);
            if (!resolved.isEmpty()) resolvedRules.add(rule);
        }
        if (!resolvedRules.isEmpty()) {
            log.info("Resolved {} open alerts of rules no running node has (or retired): {}", events.size(),
                    resolvedRules);
        }
        return events;
    }
}
