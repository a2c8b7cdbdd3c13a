package io.tidemark.testing;

import java.util.function.BooleanSupplier;

/** Waits for something asynchronous to become true; fails, saying what, if it is not within a minute. */
public final class Poll {
    private static final long LIMIT_MILLIS = 60_000;

    private Poll() {}

    public static void until(String what, BooleanSupplier condition) {
        long deadline = System.currentTimeMillis() + LIMIT_MILLIS;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("still not true after a minute: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
