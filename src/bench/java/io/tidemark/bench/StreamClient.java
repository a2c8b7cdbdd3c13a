package io.tidemark.bench;

import io.tidemark.feed.FeedPosition;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One client of {@code GET /api/v1/stream} for figure 2c, on a plain socket (HTTP/1.1, chunked), with a thread of its
 * own. It notes the id of every {@code reading} event and when the bytes carrying it arrived, checks that ids only
 * grow, and, when {@code pauseMillisPerEvent} is set, sleeps that long after each event (until {@link #speedUp}): a
 * slow client, whose events the server must read back from the feed table without holding ingest up.
 *
 * <p>Receive times are taken once per socket read (System.currentTimeMillis, the clock PostgreSQL's
 * {@code committed_at} comes from on this machine) and kept as runs of (row, time, count): a read of 64 KiB carries
 * hundreds of events of one or two rows, so a 10 s figure of ten million events keeps a few tens of thousands.
 */
final class StreamClient implements AutoCloseable {
    /** Events of one feed row that arrived in one socket read. */
    record Arrival(long row, long receivedMillis, int count) {}

    private static final Pattern AFTER = Pattern.compile("\"after\":\"([0-9.]+)\"");
    private static final byte[] READING = "reading".getBytes(StandardCharsets.US_ASCII);

    private final Socket socket;
    private volatile int pauseMillisPerEvent;
    private final Thread thread;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final List<Arrival> arrivals = new ArrayList<>();
    private volatile FeedPosition after;
    private volatile long received;
    private volatile long lastRow;
    private volatile int lastIndex = -1;
    private volatile long outOfOrder;
    private volatile boolean closing;
    private volatile Exception failure;

    // Parser state, only touched by the client's thread.
    private final byte[] line = new byte[512];
    private int lineLength;
    private boolean lineTruncated;
    private long eventRow = -1;
    private int eventIndex = -1;
    private boolean eventIsReading;
    private boolean eventIsReady;
    private long readMillis;
    private Arrival open;

    private StreamClient(Socket socket, int pauseMillisPerEvent, String name) {
        this.socket = socket;
        this.pauseMillisPerEvent = pauseMillisPerEvent;
        this.thread = new Thread(this::run, "bench-stream-" + name);
        this.thread.setDaemon(true);
    }

    /**
     * Connects, subscribes to every reading and waits for the {@code ready} event (at most 10 s).
     *
     * @param pauseMillisPerEvent 0 for a client that reads as fast as it can
     */
    static StreamClient connect(int port, String token, int pauseMillisPerEvent, String name)
            throws IOException, InterruptedException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        StreamClient client = new StreamClient(socket, pauseMillisPerEvent, name);
        OutputStream out = socket.getOutputStream();
        out.write(("GET /api/v1/stream HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer " + token
                + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        client.thread.start();
        if (!client.ready.await(10, TimeUnit.SECONDS)) {
            client.close();
            throw new IOException("stream client " + name + ": no ready event within 10 s"
                    + (client.failure == null ? "" : ": " + client.failure));
        }
        if (client.failure != null) throw new IOException("stream client " + name + " failed", client.failure);
        return client;
    }

    /** From now on reads as fast as it can: a slow client catching up on what it missed, from the feed table. */
    void speedUp() {
        pauseMillisPerEvent = 0;
    }

    /** Where the server started this client: it must receive every reading after it. */
    FeedPosition after() {
        return after;
    }

    long received() {
        return received;
    }

    long outOfOrder() {
        return outOfOrder;
    }

    /** Whether the client has received every event of the rows up to {@code row}, whose last has {@code count}. */
    boolean hasReceivedThrough(long row, int count) {
        return lastRow > row || lastRow == row && lastIndex >= count - 1;
    }

    /** The exception that ended the client's reading, or null. */
    Exception failure() {
        return failure;
    }

    /** The arrivals; only after {@link #close} (the client's thread keeps them unguarded while it runs). */
    List<Arrival> arrivals() {
        if (open != null) {
            arrivals.add(open);
            open = null;
        }
        return List.copyOf(arrivals);
    }

    private void run() {
        try {
            InputStream raw = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            boolean chunked = readHeaders(raw);
            InputStream body = chunked ? new ChunkedBody(raw) : raw;
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = body.read(buffer)) > 0) {
                readMillis = System.currentTimeMillis();
                for (int i = 0; i < n; i++) take(buffer[i]);
            }
            if (!closing) throw new IOException("the server ended the stream");
        } catch (Exception e) {
            if (!closing) failure = e;
        } finally {
            ready.countDown();
        }
    }

    /** Reads the status line and headers; returns whether the body is chunked. */
    private static boolean readHeaders(InputStream in) throws IOException {
        String status = asciiLine(in);
        if (status == null || !status.startsWith("HTTP/1.1 200")) throw new IOException("stream answered " + status);
        boolean chunked = false;
        for (String h = asciiLine(in); h != null && !h.isEmpty(); h = asciiLine(in)) {
            String lower = h.toLowerCase();
            if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) chunked = true;
        }
        return chunked;
    }

    static String asciiLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') b.append((char) c);
        }
        return c < 0 && b.length() == 0 ? null : b.toString();
    }

    private void take(byte b) throws InterruptedException {
        if (b != '\n') {
            if (lineLength < line.length) line[lineLength++] = b;
            else lineTruncated = true;
            return;
        }
        if (lineLength == 0) {
            dispatch();
        } else if (startsWith("id: ")) {
            parseId();
        } else if (startsWith("event: ")) {
            eventIsReading = equalsAt(7, READING);
            eventIsReady = lineLength == 12 && startsWith("event: ready");
        } else if (eventIsReady && startsWith("data: ")) {
            Matcher m = AFTER.matcher(new String(line, 0, lineLength, StandardCharsets.US_ASCII));
            if (m.find()) after = FeedPosition.parse(m.group(1));
        }
        lineLength = 0;
        lineTruncated = false;
    }

    private void dispatch() throws InterruptedException {
        if (eventIsReady) {
            eventIsReady = false;
            ready.countDown();
        } else if (eventIsReading && eventRow >= 0) {
            if (eventRow < lastRow || eventRow == lastRow && eventIndex <= lastIndex) outOfOrder++;
            lastRow = eventRow;
            lastIndex = eventIndex;
            note(eventRow);
            received++;
            if (pauseMillisPerEvent > 0) Thread.sleep(pauseMillisPerEvent);
        }
        eventRow = -1;
        eventIndex = -1;
        eventIsReading = false;
    }

    private void note(long row) {
        if (open != null && open.row() == row && open.receivedMillis() == readMillis) {
            open = new Arrival(row, readMillis, open.count() + 1);
            return;
        }
        if (open != null) arrivals.add(open);
        open = new Arrival(row, readMillis, 1);
    }

    private void parseId() {
        long row = 0;
        int index = 0;
        int i = 4;
        for (; i < lineLength && line[i] != '.'; i++) row = row * 10 + (line[i] - '0');
        for (i++; i < lineLength; i++) index = index * 10 + (line[i] - '0');
        eventRow = lineTruncated ? -1 : row;
        eventIndex = index;
    }

    private boolean startsWith(String prefix) {
        if (lineLength < prefix.length()) return false;
        for (int i = 0; i < prefix.length(); i++) {
            if (line[i] != prefix.charAt(i)) return false;
        }
        return true;
    }

    private boolean equalsAt(int offset, byte[] word) {
        if (lineLength - offset != word.length) return false;
        for (int i = 0; i < word.length; i++) {
            if (line[offset + i] != word[i]) return false;
        }
        return true;
    }

    /** Hangs up and waits (at most 5 s) for the client's thread to end. */
    @Override
    public void close() throws InterruptedException {
        closing = true;
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
        thread.interrupt();
        thread.join(5_000);
    }

    /** The body of a chunked HTTP/1.1 answer, without the chunk framing. */
    static final class ChunkedBody extends InputStream {
        private final InputStream in;
        private long left;
        private boolean ended;

        ChunkedBody(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (ended) return -1;
            if (left == 0) {
                String size = asciiLine(in);
                if (size != null && size.isEmpty()) size = asciiLine(in); // the CRLF after the previous chunk
                if (size == null) throw new IOException("stream ended inside a chunk header");
                int semicolon = size.indexOf(';');
                left = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
                if (left == 0) {
                    ended = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) throw new IOException("stream ended inside a chunk");
            left -= n;
            return n;
        }
    }
}
