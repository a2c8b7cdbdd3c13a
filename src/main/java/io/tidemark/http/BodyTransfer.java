package io.tidemark.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Content;

/**
 * One request body on its way in, read as its bytes arrive: Jetty calls back when there is data, and no
 * thread waits in between, however slowly the client sends. It keeps the bytes (growing its buffer within the
 * {@link BodyBudget}) or, once the body is refused, reads on only to drop them, so the client sees the answer
 * instead of a reset. It ends at the body's end, at a failure, or at the deadline, whichever comes first.
 */
final class BodyTransfer {
    private static final int FIRST_BUFFER = 16 * 1024;
    private static final byte[] EMPTY = new byte[0];

    private final Content.Source in;
    private final BodyBudget budget;
    private final long maxBytes;
    private final long dropLimit;
    private final long announced;
    private final CompletableFuture<Body> result = new CompletableFuture<>();
    private ScheduledFuture<?> deadline;
    private boolean done;
    private byte[] buffer = EMPTY;
    private int length;
    private long reserved;
    private long received;
    /** Why the body is refused; from then on its bytes are dropped, up to {@link #dropLimit}. */
    private IOException refusal;

    private BodyTransfer(Content.Source in, BodyBudget budget, long maxBytes, long dropLimit, long announced,
            IOException refusal) {
        this.in = in;
        this.budget = budget;
        this.maxBytes = maxBytes;
        this.dropLimit = dropLimit;
        this.announced = announced;
        this.refusal = refusal;
    }

    /** Reads a body of at most {@code maxBytes}; the future fails with the reason when it cannot be had whole. */
    static CompletableFuture<Body> keep(Content.Source in, long announced, BodyBudget budget, long maxBytes,
            long dropLimit, Duration timeout, ScheduledExecutorService deadlines) {
        return new BodyTransfer(in, budget, maxBytes, dropLimit, announced, null).start(timeout, deadlines);
    }

    /** Reads and drops a refused body, up to {@code dropLimit} bytes; the future then fails with {@code refusal}. */
    static CompletableFuture<Body> drop(Content.Source in, long announced, IOException refusal, long dropLimit,
            Duration timeout, ScheduledExecutorService deadlines) {
        return new BodyTransfer(in, null, 0, dropLimit, announced, refusal).start(timeout, deadlines);
    }

    /**
     * Reads what has arrived, and only if that is not the whole body sets the deadline: a small body has mostly
     * arrived with its headers, and a deadline set and cancelled per request costs a lock shared by all of them.
     */
    private CompletableFuture<Body> start(Duration timeout, ScheduledExecutorService deadlines) {
        Runnable next = readAvailable();
        synchronized (this) {
            if (!done) {
                deadline = deadlines.schedule(() -> settle(timedOut(timeout)), timeout.toMillis(),
                        TimeUnit.MILLISECONDS);
            }
        }
        settle(next);
        return result;
    }

    /** Reads what has arrived; then completes the future, or asks Jetty to call again when there is more. */
    private void onReadable() {
        settle(readAvailable());
    }

    /** Runs what comes next outside the lock: completing the future (parsing, answering) or the next demand. */
    private static void settle(Runnable next) {
        if (next != null) next.run();
    }

    private synchronized Runnable readAvailable() {
        while (!done) {
            Content.Chunk chunk = in.read();
            if (chunk == null) return () -> in.demand(this::onReadable);
            if (Content.Chunk.isFailure(chunk)) {
                Throwable failure = chunk.getFailure();
                return fail(failure instanceof IOException io ? io : new IOException(failure));
            }
            Runnable ended;
            try {
                ended = take(chunk.getByteBuffer());
            } finally {
                chunk.release();
            }
            if (ended != null) return ended;
            if (chunk.isLast()) return end();
        }
        return null;
    }

    /** Keeps or drops the chunk's bytes; how to end when the body turned out too large even to drop, else null. */
    private Runnable take(ByteBuffer bytes) {
        while (bytes.hasRemaining()) {
            if (refusal == null && length == buffer.length && !grow()) continue;
            int n;
            if (refusal == null) {
                n = Math.min(bytes.remaining(), buffer.length - length);
                bytes.get(buffer, length, n);
                length += n;
            } else {
                n = bytes.remaining();
                bytes.position(bytes.limit());
            }
            received += n;
            // Too much to drop politely: answer now; Jetty closes the connection under the rest.
            if (refusal != null && received > dropLimit) return end();
        }
        return null;
    }

    private synchronized Runnable fail(IOException failure) {
        if (refusal == null) refusal = failure;
        return end();
    }

    private synchronized Runnable timedOut(Duration timeout) {
        if (done) return null;
        refusal = new RequestTimeoutException("the request body did not arrive within http.body_timeout ("
                + timeout.toMillis() + " ms): " + received + " of " + (announced < 0 ? "an unannounced number of"
                : Long.toString(announced)) + " bytes received");
        return end();
    }

    /**
     * Makes room for more of the body, or sets the refusal and returns false. The buffer always keeps one byte more
     * than the body may have, so the read that finds the end (or one byte too many) has somewhere to go.
     */
    private boolean grow() {
        if (length > maxBytes) return refuse(tooLarge());
        long size = Math.min(maxBytes + 1, Math.max(FIRST_BUFFER, 2L * buffer.length));
        if (announced >= 0) size = Math.min(size, announced + 1);
        long more = size - buffer.length;
        if (!budget.tryReserve(more, reserved)) {
            return refuse(new BodiesBusyException("the server is reading " + budget.used() / (1024 * 1024)
                    + " MiB of request bodies at once (http.max_buffered_bytes); retry shortly"));
        }
        reserved += more;
        buffer = Arrays.copyOf(buffer, (int) size);
        return true;
    }

    private BodyTooLargeException tooLarge() {
        return new BodyTooLargeException("body exceeds ingest.max_body_bytes (" + maxBytes + " bytes)");
    }

    private boolean refuse(IOException why) {
        refusal = why;
        releaseBuffer();
        return false;
    }

    /** Marks the transfer done and says how to complete its future; null when it already was. */
    private Runnable end() {
        if (done) return null;
        done = true;
        if (deadline != null) deadline.cancel(false);
        // The read that filled the buffer's spare byte may be the body's last, with no grow() after it to refuse.
        if (refusal == null && budget != null && length > maxBytes) refusal = tooLarge();
        if (refusal != null) {
            IOException why = refusal;
            releaseBuffer();
            return () -> result.completeExceptionally(why);
        }
        Body body = new Body(buffer, length, budget, reserved);
        return () -> result.complete(body);
    }

    private void releaseBuffer() {
        if (budget != null && reserved > 0) budget.release(reserved);
        reserved = 0;
        buffer = EMPTY;
        length = 0;
    }
}
