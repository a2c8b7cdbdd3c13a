package io.tidemark.config;

import java.util.List;

/**
 * The configuration cannot be used. Each problem names its key and what is wrong with it; the message lists them all,
 * so that one start-up attempt shows everything to fix.
 */
public final class InvalidConfigException extends RuntimeException {
    private final List<String> problems;

    public InvalidConfigException(String message) {
        this(List.of(message), null);
    }

    public InvalidConfigException(String message, Throwable cause) {
        this(List.of(message), cause);
    }

    private InvalidConfigException(List<String> problems, Throwable cause) {
        super(describe(problems), cause);
        this.problems = List.copyOf(problems);
    }

    /** One exception for several problems (at least one), in the order found. */
    public static InvalidConfigException of(List<String> problems) {
        if (problems.isEmpty()) throw new IllegalArgumentException("no problems");
        return new InvalidConfigException(problems, null);
    }

    /** Every problem found, each naming its key. */
    public List<String> problems() {
        return problems;
    }

    private static String describe(List<String> problems) {
        if (problems.size() == 1) return problems.get(0);
        return problems.size() + " problems:\n  - " + String.join("\n  - ", problems);
    }
}
