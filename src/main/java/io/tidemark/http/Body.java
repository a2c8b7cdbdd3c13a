package io.tidemark.http;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

/** A request body read into memory, holding its share of the {@link BodyBudget} until released. */
final class Body implements AutoCloseable {
    private final byte[] bytes;
    private final int length;
    private final BodyBudget budget;
    private final long reserved;

    Body(byte[] bytes, int length, BodyBudget budget, long reserved) {
        this.bytes = bytes;
        this.length = length;
        this.budget = budget;
        this.reserved = reserved;
    }

    InputStream stream() {
        return new ByteArrayInputStream(bytes, 0, length);
    }

    int length() {
        return length;
    }

    /** Gives the body's bytes back to the budget; the body must not be read afterwards. */
    @Override
    public void close() {
        budget.release(reserved);
    }
}
