package io.tidemark.ingest.format;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Cuts a line protocol body into lines, reading it in chunks into reused buffers. A line ends at a newline that is
 * not inside a string field value and not escaped, exactly as InfluxDB 1.x's {@code scanLine} decides: a quoted
 * string may hold raw newlines. Lines longer than the cap are read to their end but not kept. Not thread-safe; one
 * per request.
 */
final class LineReader {
    private final InputStream in;
    private final int maxLength;
    private final byte[] chunk = new byte[16 * 1024];
    private int chunkPos;
    private int chunkEnd;
    private byte[] line = new byte[256];
    private int length;
    private boolean tooLong;
    private int startLine;
    private int nextLine = 1;

    LineReader(InputStream in, int maxLength) {
        this.in = in;
        this.maxLength = maxLength;
    }

    /** Reads the next line; false at the end of the body. */
    boolean next() throws IOException {
        length = 0;
        tooLong = false;
        startLine = nextLine;
        boolean fields = false;
        boolean quoted = false;
        boolean escaped = false;
        int equals = 0;
        int commas = 0;
        boolean any = false;
        while (true) {
            if (chunkPos == chunkEnd) {
                chunkEnd = in.read(chunk, 0, chunk.length);
                chunkPos = 0;
                if (chunkEnd <= 0) {
                    chunkEnd = 0;
                    return any;
                }
            }
            byte b = chunk[chunkPos++];
            any = true;
            if (b == '\n') nextLine++;
            if (escaped) {
                escaped = false;
            } else if (b == '\\') {
                escaped = true;
            } else {
                if (b == ' ') fields = true;
                if (fields && !quoted && b == '=') {
                    equals++;
                } else if (fields && !quoted && b == ',') {
                    commas++;
                } else if (fields && b == '"' && equals > commas) {
                    quoted = !quoted;
                } else if (b == '\n' && !quoted) {
                    return true;
                }
            }
            append(b);
        }
    }

    private void append(byte b) {
        if (tooLong) return;
        if (length == maxLength) {
            tooLong = true;
            return;
        }
        if (length == line.length) line = Arrays.copyOf(line, Math.min(maxLength, length * 2));
        line[length++] = b;
    }

    /** The bytes of the line, without its newline: the first {@link #length()} of them. */
    byte[] bytes() {
        return line;
    }

    int length() {
        return length;
    }

    /** Whether the line was longer than the cap; then only its first bytes were kept. */
    boolean tooLong() {
        return tooLong;
    }

    /** The body's line, from 1, on which this line starts (a string value may span several). */
    int lineNumber() {
        return startLine;
    }
}
