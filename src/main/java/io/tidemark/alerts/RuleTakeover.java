package io.tidemark.alerts;

import io.tidemark.feed.Feed;
import io.tidemark.feed.FeedPosition;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts running a rule this node has just taken: from its checkpoint, or, where it has none (or one of an earlier
 * definition of the rule), from now with the rule's open alerts, resolving those whose series the rule no longer
 * covers.
 */
final class RuleTakeover {
    private static final Logger log = LoggerFactory.getLogger(RuleTakeover.class);

    private final RuleCheckpoints checkpoints;
    private final Feed feed;
    private final Jdbi jdbi;
    private final Clock clock;

    RuleTakeover(Feed feed, Jdbi jdbi, Clock clock) {
        this.checkpoints = new RuleCheckpoints(jdbi);
        this.feed = feed;
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Call only while holding the rule's ownership lock. */
    RuleRunner take(AlertRule rule, Consumer<AlertEvent> stored) {
        RuleCheckpoints.Checkpoint c = checkpoints.take(rule.name(), rule.fingerprint(), feed.lastRow());
        RuleState state = null;
        if (!c.created() && c.fingerprint().equals(rule.fingerprint())) {
            try {
                state = RuleState.decode(c.state());
            } catch (IllegalArgumentException e) {
                log.warn("Rule {}: its checkpoint cannot be read ({}); going on from its open alerts", rule.name(),
                        e.getMessage());
            }
        } else if (!c.created()) {
            log.info("Rule {} changed since its checkpoint: its open alerts stay open, progress towards firing starts"
                    + " afresh", rule.name());
        }
        List<Transition> removed = new ArrayList<>();
        if (state == null) state = OpenAlerts.load(jdbi, rule, removed);
        RuleRunner runner = new RuleRunner(new RuleEvaluator(rule, state), c.generation(), c.position(),
                feed.open(FeedPosition.afterRow(c.position())), jdbi, clock);
        if (!removed.isEmpty()) runner.store(removed, stored);
        log.info("Rule {}: running it here, from feed row {} (generation {})", rule.name(), c.position(),
                c.generation());
        return runner;
    }
}
