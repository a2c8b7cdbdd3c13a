package io.tidemark.testing;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Many hostile-but-legal connections to one server, held open while a test checks that everyone else is still
 * served: slow clients that send their headers or their body a byte a second, and idle keep-alive connections that
 * sent one request and then nothing.
 */
public final class ClientCrowd implements AutoCloseable {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final String host;
    private final int port;
    private final List<RawHttpConnection> slow = new ArrayList<>();
    private final Set<RawHttpConnection> gone = new HashSet<>();
    private final List<RawHttpConnection> idle = new ArrayList<>();
    private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "client-crowd-trickle");
        t.setDaemon(true);
        return t;
    });
    private volatile int bytesTrickled;

    public ClientCrowd(String host, int port) {
        this.host = host;
        this.port = port;
        trickle.scheduleWithFixedDelay(this::trickleOneByte, 1, 1, TimeUnit.SECONDS);
    }

    /** Opens {@code count} connections that each start a readings POST of 1 MB and send a byte of it a second. */
    public ClientCrowd slowBodies(int count) {
        String head = "POST /api/v1/readings HTTP/1.1\r\nHost: tidemark\r\nContent-Type: application/x-ndjson\r\n"
                + "Content-Length: 1000000\r\n\r\n ";
        for (int i = 0; i < count; i++) slow.add(new RawHttpConnection(host, port, READ_TIMEOUT).send(head));
        return this;
    }

    /** Opens {@code count} connections that send their request's headers a byte a second, and never end them. */
    public ClientCrowd slowHeaders(int count) {
        for (int i = 0; i < count; i++) {
            slow.add(new RawHttpConnection(host, port, READ_TIMEOUT).send("GET /health HTTP/1.1\r\nX-Slow: "));
        }
        return this;
    }

    /** Opens {@code count} keep-alive connections, each answered once and then left idle. */
    public ClientCrowd idleKeepAlive(int count) {
        for (int i = 0; i < count; i++) {
            idle.add(new RawHttpConnection(host, port, READ_TIMEOUT)
                    .send("GET /health HTTP/1.1\r\nHost: tidemark\r\n\r\n"));
        }
        for (RawHttpConnection connection : idle) {
            int status = connection.read().status();
            if (status != 200) throw new IllegalStateException("GET /health on an idle connection answered " + status);
        }
        return this;
    }

    public int bytesTrickled() {
        return bytesTrickled;
    }

    private synchronized void trickleOneByte() {
        for (RawHttpConnection connection : slow) {
            if (gone.contains(connection)) continue;
            try {
                connection.send("a"); // more of an endless header value, or of an NDJSON body that never parses
                bytesTrickled++;
            } catch (UncheckedIOException e) {
                gone.add(connection);
            }
        }
    }

    @Override
    public void close() {
        trickle.shutdownNow();
        slow.forEach(RawHttpConnection::close);
        idle.forEach(RawHttpConnection::close);
    }
}
