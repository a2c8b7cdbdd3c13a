package io.tidemark.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on a free local port that forwards every connection to a target (PostgreSQL), and can simulate the
 * target going away: {@link #cut()} resets every open connection and resets new ones as soon as they arrive, until
 * {@link #restore()}. Resets (not orderly closes) are what a crashed server or a broken network look like.
 * {@link #dropReplies()} before a cut makes the failure ambiguous: a COMMIT may reach PostgreSQL while its answer
 * never comes back.
 *
 * <p>One thread accepts, two threads pump each connection. Thread-safe.
 */
public final class TcpProxy implements AutoCloseable {
    private final InetSocketAddress target;
    private final ServerSocket listener;
    private final Thread acceptor;
    private final Set<Socket> open = new HashSet<>();
    private final AtomicInteger refused = new AtomicInteger();
    private boolean cut;
    private volatile boolean droppingReplies;
    private volatile boolean closed;

    private TcpProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept-" + listener.getLocalPort());
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    /** Starts forwarding from a free local port to {@code target}. */
    public static TcpProxy to(InetSocketAddress target) {
        try {
            return new TcpProxy(target);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a proxy port: " + e.getMessage(), e);
        }
    }

    /** Where clients connect. */
    public InetSocketAddress address() {
        return new InetSocketAddress(listener.getInetAddress().getHostAddress(), listener.getLocalPort());
    }

    /** Resets every open connection and every new one until {@link #restore()}. */
    public synchronized void cut() {
        cut = true;
        for (Socket s : open) reset(s);
        open.clear();
        droppingReplies = false; // only now: no connection that lost a reply may forward the next one
    }

    /**
     * Keeps forwarding what clients send but discards whatever the target answers, on open and new connections, as
     * when a network fails in one direction: statements still run, their clients wait in vain. Only {@link #cut()}
     * ends this, since a connection that lost bytes cannot be used again.
     */
    public void dropReplies() {
        droppingReplies = true;
    }

    /** Forwards new connections again (connections reset during the cut stay gone). */
    public synchronized void restore() {
        if (droppingReplies) throw new IllegalStateException("dropping replies: cut() first");
        cut = false;
    }

    /** How many connection attempts were reset because they came during a cut. */
    public int connectionsRefused() {
        return refused.get();
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        cut();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // listener closed
            }
            forward(client);
        }
    }

    private void forward(Socket client) {
        Socket upstream = null;
        try {
            synchronized (this) {
                if (cut) {
                    refused.incrementAndGet();
                    reset(client);
                    return;
                }
            }
            upstream = new Socket();
            upstream.connect(target, 5000);
            synchronized (this) {
                if (cut) { // cut while connecting
                    refused.incrementAndGet();
                    reset(client);
                    reset(upstream);
                    return;
                }
                open.add(client);
                open.add(upstream);
            }
            pump(client, upstream, false);
            pump(upstream, client, true);
        } catch (IOException e) {
            reset(client);
            if (upstream != null) reset(upstream);
        }
    }

    private void pump(Socket from, Socket to, boolean replies) throws IOException {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    if (replies && droppingReplies) continue;
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException ignored) {
                // either side went away, or the proxy cut it
            } finally {
                synchronized (this) {
                    open.remove(from);
                    open.remove(to);
                }
                reset(from);
                reset(to);
            }
        }, "tcp-proxy-pump-" + from.getPort());
        t.setDaemon(true);
        t.start();
    }

    /** Closes with an RST rather than a FIN: the peer sees "connection reset", as when a server dies. */
    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // already closed
        }
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
