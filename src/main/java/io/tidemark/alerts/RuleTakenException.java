package io.tidemark.alerts;

/**
 * A rule's owner tried to store after another node had taken the rule (its ownership lock was lost with its session,
 * say): nothing of that transaction is stored, and the former owner lets the rule go.
 */
final class RuleTakenException extends RuntimeException {
    RuleTakenException(String rule, long generation, Long current) {
        super("rule '" + rule + "' was taken by another node (generation " + generation + " is now "
                + (current == null ? "gone" : current) + ")");
    }
}
