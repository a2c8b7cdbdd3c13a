package io.tidemark.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop load at a fixed rate of requests: request k is due at {@code start + k / rate} whether or not earlier
 * ones were answered, as traffic from many independent clients is. wrk cannot pace (it sends as fast as answers come
 * back), so the overload figure uses this: a small HTTP/1.1 client over raw keep-alive sockets, one thread per
 * connection, replaying pre-built requests.
 *
 * <p>It counts answers by status and, from each 200's {@code {"accepted":N}}, the readings acknowledged, so the
 * benchmark can check that every acknowledged reading is in the table. Requests whose answer never came (the
 * connection broke) are counted apart: they may or may not have been stored.
 */
final class PacedLoad {
    /** What happened; {@code sent} may fall short of the schedule when every connection was busy. */
    record Result(long scheduled, long sent, long ok, long unavailable, long otherStatus, long noAnswer,
            long acknowledgedReadings, long sendingNanos, String firstError) {
        /** Requests per second actually sent, from the first due time to the last send. */
        double offeredPerSecond() {
            return sent / (sendingNanos / 1e9);
        }
    }

    private final int port;
    private final List<byte[]> requests;

    PacedLoad(int port, List<byte[]> requests) {
        this.port = port;
        this.requests = requests;
    }

    Result run(double requestsPerSecond, int connections, int seconds) throws InterruptedException {
        AtomicLong next = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        AtomicLong ok = new AtomicLong();
        AtomicLong unavailable = new AtomicLong();
        AtomicLong other = new AtomicLong();
        AtomicLong noAnswer = new AtomicLong();
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong lastSend = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        long intervalNanos = (long) (1e9 / requestsPerSecond);
        long start = System.nanoTime() + 100_000_000L;
        long end = start + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Thread t = new Thread(() -> {
                Connection c = null;
                while (true) {
                    long k = next.getAndIncrement();
                    long due = start + k * intervalNanos;
                    if (due >= end) break;
                    long wait = due - System.nanoTime();
                    if (wait > 0) LockSupport.parkNanos(wait);
                    byte[] request = requests.get((int) (k % requests.size()));
                    try {
                        if (c == null) c = new Connection(port);
                        sent.incrementAndGet();
                        lastSend.accumulateAndGet(System.nanoTime(), Math::max);
                        Answer a = c.exchange(request);
                        if (a.status == 200) {
                            ok.incrementAndGet();
                            acknowledged.addAndGet(accepted(a.body));
                        } else if (a.status == 503) {
                            unavailable.incrementAndGet();
                        } else {
                            other.incrementAndGet();
                        }
                        if (!a.keepAlive) {
                            c.close();
                            c = null;
                        }
                    } catch (IOException e) {
                        noAnswer.incrementAndGet();
                        firstError.compareAndSet(null, e.toString());
                        if (c != null) c.close();
                        c = null;
                    }
                }
                if (c != null) c.close();
            }, "bench-paced-" + i);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) t.join();
        long scheduled = (end - start + intervalNanos - 1) / intervalNanos;
        return new Result(scheduled, sent.get(), ok.get(), unavailable.get(), other.get(), noAnswer.get(),
                acknowledged.get(), Math.max(1, lastSend.get() - start), firstError.get());
    }

    private static long accepted(String body) {
        int i = body.indexOf("\"accepted\":");
        if (i < 0) throw new IllegalStateException("200 answer without \"accepted\": " + body);
        i += "\"accepted\":".length();
        long n = 0;
        while (i < body.length() && Character.isDigit(body.charAt(i))) n = n * 10 + (body.charAt(i++) - '0');
        return n;
    }

    private record Answer(int status, String body, boolean keepAlive) {}

    /** One keep-alive HTTP/1.1 connection; understands Content-Length and chunked answers. */
    private static final class Connection {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        Connection(int port) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(60_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 8192);
        }

        Answer exchange(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            String statusLine = line();
            int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
            long length = -1;
            boolean chunked = false;
            boolean keepAlive = true;
            for (String h = line(); !h.isEmpty(); h = line()) {
                int colon = h.indexOf(':');
                String name = h.substring(0, colon).trim();
                String value = h.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) length = Long.parseLong(value);
                if (name.equalsIgnoreCase("Transfer-Encoding")) chunked = value.equalsIgnoreCase("chunked");
                if (name.equalsIgnoreCase("Connection")) keepAlive = !value.equalsIgnoreCase("close");
            }
            StringBuilder body = new StringBuilder();
            if (chunked) {
                for (long size = chunkSize(); size > 0; size = chunkSize()) {
                    body.append(new String(in.readNBytes((int) size), StandardCharsets.UTF_8));
                    line();
                }
                line();
            } else if (length >= 0) {
                body.append(new String(in.readNBytes((int) length), StandardCharsets.UTF_8));
            }
            return new Answer(status, body.toString(), keepAlive);
        }

        private long chunkSize() throws IOException {
            return Long.parseLong(line().split(";", 2)[0].trim(), 16);
        }

        private String line() throws IOException {
            StringBuilder s = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) throw new IOException("connection closed mid-answer");
                if (b != '\r') s.append((char) b);
            }
            return s.toString();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
