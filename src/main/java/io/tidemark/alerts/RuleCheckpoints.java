package io.tidemark.alerts;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The {@code alert_checkpoints} table: where each rule's owner stands, fenced by a generation that every new owner
 * bumps, so that a former owner that has not noticed losing its lock can no longer store anything.
 */
final class RuleCheckpoints {
    /** A rule's checkpoint as a new owner finds it; {@code created} when the rule had none (state is then empty). */
    record Checkpoint(long generation, long position, String fingerprint, byte[] state, boolean created) {}

    private static final String TAKE = """
            INSERT INTO alert_checkpoints AS c (rule, generation, position, fingerprint, state)
            VALUES (:rule, 1, :position, :fingerprint, '\\x')
            ON CONFLICT (rule) DO UPDATE SET generation = c.generation + 1
            RETURNING c.generation, c.position, c.fingerprint, c.state, (c.xmax = 0) AS created""";
    private static final String FENCE = "SELECT generation FROM alert_checkpoints WHERE rule = :rule FOR UPDATE";
    private static final String SAVE = """
            UPDATE alert_checkpoints SET position = :position, fingerprint = :fingerprint, state = :state,
                                         updated_at = clock_timestamp()
            WHERE rule = :rule AND generation = :generation""";

    private final Jdbi jdbi;

    RuleCheckpoints(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Takes the rule for a new owner: bumps its generation (creating the checkpoint at {@code startPosition} if
     * there is none). Call only while holding the rule's ownership lock.
     */
    Checkpoint take(String rule, String fingerprint, long startPosition) {
        return jdbi.withHandle(h -> h.createQuery(TAKE).bind("rule", rule).bind("position", startPosition)
                .bind("fingerprint", fingerprint)
                .map((rs, ctx) -> new Checkpoint(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getBytes(4),
                        rs.getBoolean(5)))
                .one());
    }

    /**
     * Locks the rule's checkpoint for the rest of {@code h}'s transaction, and fails if another owner has taken the
     * rule since {@code generation}.
     */
    static void fence(Handle h, String rule, long generation) {
        Long current = h.createQuery(FENCE).bind("rule", rule).mapTo(Long.class).findOne().orElse(null);
        if (current == null || current != generation) throw new RuleTakenException(rule, generation, current);
    }

    static void save(Handle h, String rule, long generation, long position, String fingerprint, byte[] state) {
        int saved = h.createUpdate(SAVE).bind("rule", rule).bind("generation", generation)
                .bind("position", position).bind("fingerprint", fingerprint).bind("state", state).execute();
        if (saved != 1) throw new RuleTakenException(rule, generation, null);
    }
}
