package io.tidemark.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.xerial.snappy.Snappy;
import org.xerial.snappy.SnappyError;

/**
 * Undoes snappy's block format, the one Prometheus remote write sends (never the framed or xerial stream formats).
 * The block names its decompressed length up front, so it is checked against {@code ingest.max_body_bytes} and taken
 * from the {@link BodyBudget} (twice: the parser copies it) before a byte is inflated: a small body claiming gigabytes
 * costs nothing.
 */
final class SnappyBodies {
    private SnappyBodies() {}

    /**
     * The decompressed body, its memory held by {@code body} until it is closed.
     *
     * @throws UndecodableBodyException if the body is not a snappy block
     * @throws BodyTooLargeException if it decompresses beyond {@code maxBytes}
     * @throws BodiesBusyException if the budget has no room for the decompressed bytes now
     */
    static InputStream decompress(Body body, long maxBytes) throws IOException {
        byte[] raw = body.bytes();
        int length;
        try {
            length = Snappy.uncompressedLength(raw, 0, body.length());
        } catch (IOException | SnappyError e) {
            throw notSnappy(e);
        }
        if (length < 0 || length > maxBytes) {
            throw new BodyTooLargeException("body decompresses to " + Integer.toUnsignedString(length)
                    + " bytes; ingest.max_body_bytes is " + maxBytes);
        }
        // Twice: the decompressed bytes, and the copy the remote write parser reads them into.
        if (!body.reserve(2L * length)) {
            throw new BodiesBusyException("the server holds too many request bodies at once to decompress this one "
                    + "(http.max_buffered_bytes); retry shortly");
        }
        byte[] inflated = new byte[length];
        try {
            int n = Snappy.uncompress(raw, 0, body.length(), inflated, 0);
            return new ByteArrayInputStream(inflated, 0, n);
        } catch (IOException | SnappyError | IllegalArgumentException e) {
            throw notSnappy(e);
        }
    }

    private static UndecodableBodyException notSnappy(Throwable e) {
        return new UndecodableBodyException("body is not snappy-compressed in the block format (remote write "
                + "bodies are; the framed format is not accepted): " + e.getMessage());
    }
}
