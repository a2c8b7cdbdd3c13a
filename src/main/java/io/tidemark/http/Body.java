package io.tidemark.http;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

/** A request body read into memory, holding its share of the {@link BodyBudget} until released. */
final class Body implements AutoCloseable {
    private final byte[] bytes;
    private final int length;
    private final BodyBudget budget;
    private long reserved;

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

    /** The bytes, lent: only the first {@link #length()} are the body's. */
    byte[] bytes() {
        return bytes;
    }

    /**
     * Takes {@code more} bytes of the budget for memory that lives as long as this body (its decompressed copy), or
     * nothing and false when they do not fit beside the other bodies.
     */
    boolean reserve(long more) {
        if (!budget.tryReserve(more, reserved)) return false;
        reserved += more;
        return true;
    }

    /** Gives the body's bytes back to the budget; the body must not be read afterwards. */
    @Override
    public void close() {
        budget.release(reserved);
    }
}
