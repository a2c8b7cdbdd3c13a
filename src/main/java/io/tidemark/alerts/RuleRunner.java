package io.tidemark.alerts;

import io.tidemark.feed.FeedCursor;
import io.tidemark.feed.FeedEntry;
import io.tidemark.feed.FeedTruncatedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rules this node owns that stand at the same feed position, at work: one cursor reads the feed from there, each row
 * is evaluated for every rule, and what fires or resolves is stored together with each rule's new checkpoint in one
 * transaction, fenced by the generation each rule was taken with. So whatever is stored is covered by the
 * checkpoints, and whatever is not will be evaluated again from them by the next owner: each firing is stored once.
 *
 * <p>A rule taken over starts in a runner of its own at its checkpoint; once it has caught up with another runner
 * (both at the head of the feed), {@link #absorb} makes them one, so that a row is read and decoded once for all the
 * rules of the node, however many. Used by one thread.
 */
final class RuleRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RuleRunner.class);
    /** Feed rows one step takes at most, so that a runner catching up does not starve the others. */
    private static final int ROWS_PER_STEP = 64;
    /** Transitions after which a step stores at once. */
    private static final int MAX_TRANSITIONS = 500;
    /** How often the checkpoints move on while nothing fires: what a new owner replays at most. */
    static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(1);

    /** One rule of the runner: its evaluation, the generation it was taken with, what waits to be stored. */
    private static final class Member {
        final RuleEvaluator evaluator;
        final long generation;
        final String fingerprint;
        final List<Transition> pending = new ArrayList<>();

        Member(RuleEvaluator evaluator, long generation) {
            this.evaluator = evaluator;
            this.generation = generation;
            this.fingerprint = evaluator.rule().fingerprint();
        }
    }

    private final Map<String, Member> members = new LinkedHashMap<>();
    private final FeedCursor cursor;
    private final Jdbi jdbi;
    private final Clock clock;
    /** The last feed row evaluated, and the last one checkpointed. */
    private volatile long position;
    private long savedPosition;
    private long savedAtNanos = System.nanoTime();
    private int pending;

    RuleRunner(RuleEvaluator evaluator, long generation, long position, FeedCursor cursor, Jdbi jdbi, Clock clock) {
        this.members.put(evaluator.rule().name(), new Member(evaluator, generation));
        this.position = position;
        this.savedPosition = position;
        this.cursor = cursor;
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** The names of the rules it runs. */
    Set<String> rules() {
        return members.keySet();
    }

    /** The last feed row evaluated. */
    long position() {
        return position;
    }

    /**
     * Evaluates the rows at hand (up to {@link #ROWS_PER_STEP}) and stores what they changed; true if there were any.
     * Passes each stored event to {@code stored} after the commit.
     *
     * @throws RuleTakenException if another node has taken one of the rules; nothing of this step is stored
     * @throws RuntimeException if the database failed; this runner's memory is then ahead of the table, so the caller
     *     must let its rules go and take them again from their checkpoints
     */
    boolean step(Consumer<AlertEvent> stored) throws InterruptedException {
        int rows = 0;
        while (rows < ROWS_PER_STEP && pending < MAX_TRANSITIONS) {
            FeedEntry row;
            try {
                row = cursor.next(Duration.ZERO);
            } catch (FeedTruncatedException e) {
                log.warn("Rules {}: {}; their progress on series part-way is kept, readings in between were not"
                        + " evaluated", rules(), e.getMessage());
                continue;
            }
            if (row == null) break;
            for (Member m : members.values()) {
                int before = m.pending.size();
                m.evaluator.evaluate(row, m.pending);
                pending += m.pending.size() - before;
            }
            position = row.row();
            rows++;
        }
        boolean due = position != savedPosition
                && System.nanoTime() - savedAtNanos >= CHECKPOINT_INTERVAL.toNanos();
        if (pending > 0 || due) save(stored);
        return rows > 0;
    }

    /** Stores checkpoints where the runner stands (stopping, letting a rule go): the next owner replays nothing. */
    void checkpoint(Consumer<AlertEvent> stored) {
        if (position != savedPosition || pending > 0) save(stored);
    }

    /**
     * Stores {@code transitions} of the runner's one rule that are not from the feed (alerts resolved because the rule
     * changed) at once. Only for a runner just made.
     */
    void store(List<Transition> transitions, Consumer<AlertEvent> stored) {
        Member only = members.values().iterator().next();
        only.pending.addAll(transitions);
        pending += transitions.size();
        save(stored);
    }

    /**
     * Takes {@code other}'s rules over: both stand at the same position with nothing pending (right after a step), so
     * from here one cursor serves all. {@code other} is closed.
     */
    void absorb(RuleRunner other) {
        if (other.position != position || other.pending > 0 || pending > 0) {
            throw new IllegalStateException("runners merge only at the same position with nothing pending");
        }
        members.putAll(other.members);
        savedPosition = Math.min(savedPosition, other.savedPosition);
        other.members.clear();
        other.close();
    }

    /** Whether nothing waits to be stored (so it may absorb, or be absorbed). */
    boolean idle() {
        return pending == 0;
    }

    /** Lets {@code rule} go from this runner (after {@link #checkpoint}); true if no rule is left. */
    boolean remove(String rule) {
        members.remove(rule);
        return members.isEmpty();
    }

    private void save(Consumer<AlertEvent> stored) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        List<AlertEvent> events = jdbi.inTransaction(h -> {
            List<AlertEvent> written = new ArrayList<>();
            for (Map.Entry<String, Member> e : members.entrySet()) {
                Member m = e.getValue();
                RuleCheckpoints.fence(h, e.getKey(), m.generation);
                RuleState state = m.evaluator.state();
                written.addAll(AlertStore.store(h, m.evaluator.rule(), m.pending, state, now));
                RuleCheckpoints.save(h, e.getKey(), m.generation, position, m.fingerprint, state.encode());
            }
            AlertStore.appendToFeed(h, written);
            return written;
        });
        for (Member m : members.values()) m.pending.clear();
        pending = 0;
        savedPosition = position;
        savedAtNanos = System.nanoTime();
        for (AlertEvent e : events) stored.accept(e);
    }

    @Override
    public void close() {
        cursor.close();
    }
}
