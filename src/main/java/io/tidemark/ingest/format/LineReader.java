package io.tidemark.ingest.format;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Cuts a line protocol body into lines, reading it in chunks into reused buffers. A line ends at a newline that is
 * not inside a string field value: a quoted string may hold raw newlines. The string is found by the grammar (a quote
 * right after a field key's {@code =}, escapes as {@link LineParser} reads them), where InfluxDB 1.x's
 * {@code scanLine} counts quotes and so also takes a quote inside a field key for the start of a string. Lines
 * longer than the cap are read to their end but not kept. Not thread-safe; one per request.
 */
final class LineReader {
    /** Where in a line a byte is: measurement and tags, a field key, a field value, a string value, the time. */
    private static final int SERIES = 0;
    private static final int FIELD_KEY = 1;
    private static final int VALUE_START = 2;
    private static final int STRING = 3;
    private static final int VALUE = 4;
    private static final int TIMESTAMP = 5;
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
        if (wholeLineWithoutString()) return true;
        int state = SERIES;
        boolean escape = false; // the previous byte was a backslash that may escape this one
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
            if (escape && escapes(state, b)) {
                escape = false;
                append(b);
                continue;
            }
            escape = false;
            if (b == '\n' && state != STRING) return true;
            append(b);
            switch (state) {
                case SERIES -> state = b == ' ' ? FIELD_KEY : SERIES;
                case FIELD_KEY -> state = b == '=' ? VALUE_START : FIELD_KEY;
                case VALUE_START -> state = b == '"' ? STRING : VALUE;
                case STRING -> state = b == '"' ? VALUE : STRING;
                case VALUE -> state = b == ',' ? FIELD_KEY : b == ' ' ? TIMESTAMP : VALUE;
                default -> { }
            }
            escape = b == '\\';
        }
    }

    /**
     * The common line, whole in the chunk and without a quote, copied at once instead of byte by byte: only a string
     * value can hold a newline that does not end the line, and a backslash never escapes a newline, so the first
     * newline ends such a line. False, having consumed nothing, for any other line.
     */
    private boolean wholeLineWithoutString() {
        for (int i = chunkPos; i < chunkEnd; i++) {
            byte b = chunk[i];
            if (b == '\n') {
                int n = i - chunkPos;
                int kept = Math.min(n, maxLength);
                if (kept > line.length) {
                    line = Arrays.copyOf(line, Math.max(kept, Math.min(maxLength, line.length * 2)));
                }
                System.arraycopy(chunk, chunkPos, line, 0, kept);
                length = kept;
                tooLong = n > maxLength;
                chunkPos = i + 1;
                nextLine++;
                return true;
            }
            if (b == '"') return false;
        }
        return false;
    }

    /** Whether a backslash escapes {@code b} in {@code state}: the rules of {@link LineParser}. */
    private static boolean escapes(int state, byte b) {
        return switch (state) {
            case SERIES, FIELD_KEY -> b == ',' || b == '=' || b == ' ';
            case STRING -> b == '"' || b == '\\';
            default -> false;
        };
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
