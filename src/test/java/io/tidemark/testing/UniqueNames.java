package io.tidemark.testing;

import java.util.concurrent.atomic.AtomicInteger;

/** Names no other test in this JVM uses, so tests sharing a database can tell their rows apart. */
public final class UniqueNames {
    private static final AtomicInteger counter = new AtomicInteger();

    private UniqueNames() {}

    /** {@code stem} followed by a number used once and a dash, e.g. {@code fmt17-}: a prefix for sensor names. */
    public static String prefix(String stem) {
        return stem + counter.incrementAndGet() + "-";
    }
}
