package io.tidemark.alerts;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tidemark.feed.Feed;
import io.tidemark.retry.Backoff;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's share of the alert rules, on a thread of its own: every second it takes the rules of its configuration
 * that no running node owns (so a rule whose owner died or stopped is taken over within about a second); it runs the
 * rules it owns on the feed; and every {@link #RETIRE_INTERVAL} it resolves the alerts of rules no node has any more.
 * When its database session is lost, it lets every rule go (they are fenced anyway) and starts over once it is back.
 */
final class RuleOwners {
    private static final Logger log = LoggerFactory.getLogger(RuleOwners.class);
    static final Duration TAKE_INTERVAL = Duration.ofSeconds(1);
    static final Duration RETIRE_INTERVAL = Duration.ofSeconds(30);
    /** Rounds a rule stays free before a node without room for it takes it anyway. */
    static final int FREE_ROUNDS = 3;
    private static final Duration IDLE_WAIT = Duration.ofMillis(200);

    private final List<AlertRule> rules;
    private final RuleOwnership ownership;
    private final RuleTakeover takeover;
    private final RuleRetirement retirement;
    /** Null when this node has no rules (it then only retires the rules of others). */
    private final Feed feed;
    private final Jdbi jdbi;
    private final Clock clock;
    private final Consumer<AlertEvent> stored;
    private final Counter storeFailures;
    private final Map<String, AlertRule> byName = new LinkedHashMap<>();
    private final RunnersByRule runners = new RunnersByRule();
    /** Rounds in a row each rule has been seen owned by no node. */
    private final Map<String, Integer> freeRounds = new HashMap<>();
    /** Rules taken because no node took them: not let go for balance. */
    private final Set<String> kept = new HashSet<>();
    private final Thread thread = new Thread(this::run, "tidemark-alert-rules");
    private volatile boolean running = true;
    /** System.nanoTime() of the next {@link #retire()}; the thread's own after {@link #start()}. */
    private long nextRetire;

    RuleOwners(List<AlertRule> rules, RuleOwnership ownership, RuleRetirement retirement, Feed feed, Jdbi jdbi,
            Clock clock, Consumer<AlertEvent> stored, MeterRegistry registry) {
        this.rules = List.copyOf(rules);
        for (AlertRule rule : rules) byName.put(rule.name(), rule);
        this.ownership = ownership;
        this.takeover = new RuleTakeover(feed, jdbi, clock);
        this.retirement = retirement;
        this.feed = feed;
        this.jdbi = jdbi;
        this.clock = clock;
        this.stored = stored;
        this.storeFailures = Counter.builder("tidemark.alerts.store.failures")
                .description("Alert stores that failed (the rule is taken again from its checkpoint and retried)")
                .register(registry);
        thread.setDaemon(true);
    }

    /**
     * Declares this node's rules and resolves the alerts of gone rules at once (so a retired rule's alerts are resolved
     * before the node serves), then starts the thread.
     */
    void start() {
        ownership.connect();
        retire();
        nextRetire = System.nanoTime() + RETIRE_INTERVAL.toNanos();
        thread.start();
    }

    /** Rules this node runs now. */
    int owned() {
        return runners.size();
    }

    /**
     * The feed row the rules of this node have evaluated up to (the least of them), NaN if it runs none: next to
     * {@code tidemark_feed_position}, how far the alerts lag. Read from another thread: a moment's staleness is fine.
     */
    double evaluatedUpTo() {
        return runners.size() == 0 ? Double.NaN : runners.leastPosition(0);
    }

    /** Checkpoints the rules it owns and lets them go, within about {@code timeout}. */
    void stop(Duration timeout) throws InterruptedException {
        running = false;
        thread.join(Math.max(1, timeout.toMillis()));
        if (thread.isAlive()) thread.interrupt();
    }

    private void run() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
        long nextTake = System.nanoTime();
        boolean idleBefore = false;
        while (running) {
            try {
                long now = System.nanoTime();
                if (now - nextTake >= 0) {
                    if (!ownership.alive()) {
                        letAllGo();
                        if (!ownership.connect()) {
                            Thread.sleep(backoff.nextMillis());
                            continue;
                        }
                    }
                    takeFreeRules();
                    nextTake = now + TAKE_INTERVAL.toNanos();
                }
                if (now - nextRetire >= 0) {
                    retire();
                    nextRetire = now + RETIRE_INTERVAL.toNanos();
                }
                boolean worked = false;
                for (RuleRunner runner : runners.distinct()) worked |= step(runner);
                runners.merge();
                if (!worked) {
                    // Twice idle in a row: nothing is at hand for any rule, so wait (a new row ends the wait).
                    if (idleBefore) waitForRows();
                    idleBefore = true;
                } else {
                    idleBefore = false;
                }
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                long wait = backoff.nextMillis();
                log.warn("Alert rules: {}; retrying in {} ms", e.getMessage(), wait);
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException interrupted) {
                    break;
                }
            }
        }
        for (RuleRunner runner : runners.distinct()) {
            try {
                runner.checkpoint(stored);
            } catch (RuntimeException e) {
                log.info("Rules {}: no checkpoint at stop ({}); their next owner replays from the last one",
                        runner.rules(), e.getMessage());
            }
        }
        runners.closeAll();
        ownership.close();
    }

    private void retire() {
        retirement.declare();
        retirement.resolveGoneRules().forEach(stored);
    }

    private boolean step(RuleRunner runner) throws InterruptedException {
        try {
            return runner.step(stored);
        } catch (RuleTakenException e) {
            log.info("Alert rules: {}; letting it go", e.getMessage());
            letGo(runner);
        } catch (RuntimeException e) {
            storeFailures.increment();
            log.warn("Rules {}: storing failed ({}); taking them again from their checkpoints", runner.rules(),
                    e.getMessage());
            letGo(runner);
        }
        return false;
    }

    /**
     * Balances the rules among the nodes: takes free rules while this node runs fewer than its share (the rules over
     * the nodes, rounded up), and lets go what it runs beyond its share (checkpointed first, so the next owner replays
     * nothing). A rule left free for {@link #FREE_ROUNDS} rounds (no node with room has it) is taken whatever the
     * share, and kept: so nodes with different rules settle instead of handing rules back and forth.
     */
    private void takeFreeRules() {
        List<String> taken;
        try {
            int nodes = ownership.nodes();
            int share = (rules.size() + nodes - 1) / nodes;
            Set<String> free = ownership.free();
            for (AlertRule rule : rules) {
                if (free.contains(rule.name())) freeRounds.merge(rule.name(), 1, Integer::sum);
                else freeRounds.remove(rule.name());
            }
            for (String extra = balanced(); runners.size() > share && extra != null; extra = balanced()) {
                letGoOf(extra);
            }
            List<String> wanted = new ArrayList<>();
            for (AlertRule rule : rules) {
                if (!free.contains(rule.name())) continue;
                if (runners.size() + wanted.size() < share || freeRounds.get(rule.name()) > FREE_ROUNDS) {
                    wanted.add(rule.name());
                }
            }
            if (wanted.isEmpty()) return;
            taken = ownership.tryOwn(wanted);
        } catch (SQLException e) {
            log.warn("Alert rules: session failed ({}); reconnecting", e.getMessage());
            ownership.close();
            return;
        }
        for (int i = 0; i < taken.size(); i++) {
            String name = taken.get(i);
            try {
                if (freeRounds.getOrDefault(name, 0) > FREE_ROUNDS) kept.add(name);
                freeRounds.remove(name);
                runners.put(name, takeover.take(byName.get(name), stored));
            } catch (RuntimeException e) {
                for (String notRun : taken.subList(i, taken.size())) ownership.release(notRun);
                throw e;
            }
        }
    }

    /** A rule this node may let go to balance the load: one it did not take as left free; null if none. */
    private String balanced() {
        for (String rule : runners.rules()) {
            if (!kept.contains(rule)) return rule;
        }
        return null;
    }

    /** Lets every rule of {@code runner} go (its memory cannot be trusted, or another node took one of them). */
    private void letGo(RuleRunner runner) {
        runner.close();
        for (String rule : List.copyOf(runner.rules())) {
            runners.remove(rule);
            kept.remove(rule);
            ownership.release(rule);
        }
    }

    /** Lets one rule go, checkpointed first, so that its next owner replays nothing. */
    private void letGoOf(String rule) {
        RuleRunner runner = runners.get(rule);
        runner.checkpoint(stored);
        if (runner.remove(rule)) runner.close();
        runners.remove(rule);
        kept.remove(rule);
        ownership.release(rule);
    }

    private void letAllGo() {
        runners.closeAll();
        kept.clear();
    }

    private void waitForRows() throws InterruptedException {
        if (feed == null) {
            Thread.sleep(IDLE_WAIT.toMillis());
            return;
        }
        long from = runners.leastPosition(feed.lastRow());
        try {
            feed.whenAfter(from).get(IDLE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // nothing new: go round
        }
    }
}
