package io.tidemark.http;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request body on its way in, read as its bytes arrive: the container calls back when there is data, and no
 * thread waits in between, however slowly the client sends. It keeps the bytes (growing its buffer within the
 * {@link BodyBudget}) or, once the body is refused, reads on only to drop them, so the client sees the answer
 * instead of a reset. It ends at the body's end, at a failure, or at the deadline, whichever comes first.
 */
final class BodyTransfer implements ReadListener {
    private static final int FIRST_BUFFER = 16 * 1024;
    private static final byte[] EMPTY = new byte[0];

    private final ServletInputStream in;
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

    private BodyTransfer(ServletInputStream in, BodyBudget budget, long maxBytes, long dropLimit, long announced,
            IOException refusal) {
        this.in = in;
        this.budget = budget;
        this.maxBytes = maxBytes;
        this.dropLimit = dropLimit;
        this.announced = announced;
        this.refusal = refusal;
    }

    /** Reads a body of at most {@code maxBytes}; the future fails with the reason when it cannot be had whole. */
    static CompletableFuture<Body> keep(ServletInputStream in, long announced, BodyBudget budget, long maxBytes,
            long dropLimit, Duration timeout, ScheduledExecutorService deadlines) {
        return new BodyTransfer(in, budget, maxBytes, dropLimit, announced, null).start(timeout, deadlines);
    }

    /** Reads and drops a refused body, up to {@code dropLimit} bytes; the future then fails with {@code refusal}. */
    static CompletableFuture<Body> drop(ServletInputStream in, long announced, IOException refusal, long dropLimit,
            Duration timeout, ScheduledExecutorService deadlines) {
        return new BodyTransfer(in, null, 0, dropLimit, announced, refusal).start(timeout, deadlines);
    }

    private CompletableFuture<Body> start(Duration timeout, ScheduledExecutorService deadlines) {
        deadline = deadlines.schedule(() -> settle(timedOut(timeout)), timeout.toMillis(), TimeUnit.MILLISECONDS);
        in.setReadListener(this);
        return result;
    }

    @Override
    public void onDataAvailable() throws IOException {
        settle(readAvailable());
    }

    @Override
    public void onAllDataRead() {
        settle(end());
    }

    @Override
    public void onError(Throwable failure) {
        settle(fail(failure instanceof IOException io ? io : new IOException(failure)));
    }

    /** Completes the future outside the lock: what follows it (parsing, answering) must not hold up the deadline. */
    private static void settle(Runnable completion) {
        if (completion != null) completion.run();
    }

    private synchronized Runnable readAvailable() throws IOException {
        while (!done && in.isReady()) {
            if (refusal == null && length == buffer.length && !grow()) continue;
            byte[] into = refusal == null ? buffer : scratch();
            int offset = refusal == null ? length : 0;
            int n = in.read(into, offset, into.length - offset);
            if (n < 0) return null; // onAllDataRead follows
            received += n;
            if (refusal == null) {
                length += n;
            } else if (received > dropLimit) {
                // Too much to drop politely: answer now; the container closes the connection under the rest.
                return end();
            }
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

    private byte[] scratch() {
        if (buffer.length == 0) buffer = new byte[FIRST_BUFFER];
        return buffer;
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
