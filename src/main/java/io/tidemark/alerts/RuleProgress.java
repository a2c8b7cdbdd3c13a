package io.tidemark.alerts;

import java.util.UUID;

/**
 * Where one rule stands on one series while it is part-way: how many consecutive readings its condition has held
 * (counted up to the rule's {@code for_readings}), since which reading, the newest reading taken, and the alert open,
 * if one is. A series with none of these has no progress at all (see {@link RuleState}).
 */
final class RuleProgress {
    int run;
    long runStartMicros;
    long newestMicros;
    /** The open alert's id, or null. */
    UUID open;

    RuleProgress(int run, long runStartMicros, long newestMicros, UUID open) {
        this.run = run;
        this.runStartMicros = runStartMicros;
        this.newestMicros = newestMicros;
        this.open = open;
    }
}
