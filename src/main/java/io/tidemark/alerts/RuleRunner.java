package io.tidemark.alerts;

import io.tidemark.feed.FeedCursor;
import io.tidemark.feed.FeedEntry;
import io.tidemark.feed.FeedTruncatedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One rule this node owns, at work: reads the feed through its own cursor from the rule's checkpoint on, evaluates,
 * and stores what fires or resolves together with the new checkpoint in one transaction, fenced by the generation it
 * took the rule with. So whatever is stored is covered by the checkpoint, and whatever is not will be evaluated again
 * from it by the next owner: each firing is stored once. Used by one thread.
 */
final class RuleRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RuleRunner.class);
    /** Feed rows one step takes at most, so that one busy rule does not starve the others. */
    private static final int ROWS_PER_STEP = 64;
    /** Transitions after which a step stores at once. */
    private static final int MAX_TRANSITIONS = 500;
    /** How often the checkpoint moves on while nothing fires: what a new owner replays at most. */
    static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(1);

    private final RuleEvaluator evaluator;
    private final long generation;
    private final FeedCursor cursor;
    private final Jdbi jdbi;
    private final Clock clock;
    private final String fingerprint;
    /** The last feed row evaluated, and the last one checkpointed. */
    private long position;
    private long savedPosition;
    private long savedAtNanos = System.nanoTime();
    private final List<Transition> pending = new ArrayList<>();

    RuleRunner(RuleEvaluator evaluator, long generation, long position, FeedCursor cursor, Jdbi jdbi, Clock clock) {
        this.evaluator = evaluator;
        this.generation = generation;
        this.position = position;
        this.savedPosition = position;
        this.cursor = cursor;
        this.jdbi = jdbi;
        this.clock = clock;
        this.fingerprint = evaluator.rule().fingerprint();
    }

    String rule() {
        return evaluator.rule().name();
    }

    /** The last feed row evaluated. */
    long position() {
        return position;
    }

    /**
     * Evaluates the rows at hand (up to {@link #ROWS_PER_STEP}) and stores what they changed; true if there were any.
     * Passes each stored event to {@code stored} after the commit.
     *
     * @throws RuleTakenException if another node has taken the rule; nothing of this step is stored
     * @throws RuntimeException if the database failed; this runner's memory is then ahead of the table, so the caller
     *     must let it go and take the rule again from its checkpoint
     */
    boolean step(Consumer<AlertEvent> stored) throws InterruptedException {
        int rows = 0;
        while (rows < ROWS_PER_STEP && pending.size() < MAX_TRANSITIONS) {
            FeedEntry row;
            try {
                row = cursor.next(Duration.ZERO);
            } catch (FeedTruncatedException e) {
                log.warn("Rule {}: {}; its progress on series part-way is kept, readings in between were not"
                        + " evaluated", rule(), e.getMessage());
                continue;
            }
            if (row == null) break;
            evaluator.evaluate(row, pending);
            position = row.row();
            rows++;
        }
        boolean due = position != savedPosition
                && System.nanoTime() - savedAtNanos >= CHECKPOINT_INTERVAL.toNanos();
        if (!pending.isEmpty() || due) save(stored);
        return rows > 0;
    }

    /** Stores a checkpoint where the runner stands (when stopping, so the next owner replays nothing). */
    void checkpoint(Consumer<AlertEvent> stored) {
        if (position != savedPosition || !pending.isEmpty()) save(stored);
    }

    /** Stores {@code transitions} that are not from the feed (alerts resolved because the rule changed) at once. */
    void store(List<Transition> transitions, Consumer<AlertEvent> stored) {
        pending.addAll(transitions);
        save(stored);
    }

    private void save(Consumer<AlertEvent> stored) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        RuleState state = evaluator.state();
        List<AlertEvent> events = jdbi.inTransaction(h -> {
            RuleCheckpoints.fence(h, rule(), generation);
            List<AlertEvent> written = AlertStore.store(h, evaluator.rule(), pending, state, now);
            RuleCheckpoints.save(h, rule(), generation, position, fingerprint, state.encode());
            AlertStore.appendToFeed(h, written);
            return written;
        });
        pending.clear();
        savedPosition = position;
        savedAtNanos = System.nanoTime();
        for (AlertEvent e : events) stored.accept(e);
    }

    @Override
    public void close() {
        cursor.close();
    }
}
