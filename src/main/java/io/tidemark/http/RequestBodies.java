package io.tidemark.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Opens a request body for the ingest parser: checks its media type, undoes {@code Content-Encoding: gzip}, and
 * bounds both the raw and the decompressed size by {@code ingest.max_body_bytes}.
 */
final class RequestBodies {
    private RequestBodies() {}

    /** The media type of the body without its parameters, in lower case; empty when there is none. */
    static String mediaType(Context ctx) {
        String type = ctx.contentType();
        return type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads and discards what is left of a refused request's body, up to {@code limit} bytes. A server that answers
     * and closes while the client is still sending makes many clients (java.net.http among them) see a reset
     * instead of the answer; reading the rest first lets them see the 4xx or 503. Failures are ignored: the client
     * may be gone.
     */
    static void drain(Context ctx, long limit) {
        try {
            InputStream in = ctx.req().getInputStream();
            byte[] buffer = new byte[16 * 1024];
            long left = limit;
            for (int n; left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0; ) left -= n;
        } catch (IOException | RuntimeException ignored) {
            // nothing more to read, or nobody to answer
        }
    }

    static InputStream open(Context ctx, long maxBytes) throws IOException {
        long length = ctx.req().getContentLengthLong();
        if (length > maxBytes) {
            throw new BodyTooLargeException("body of " + length + " bytes exceeds ingest.max_body_bytes ("
                    + maxBytes + " bytes)");
        }
        InputStream raw = new LimitedInputStream(ctx.req().getInputStream(), maxBytes, "body");
        String encoding = ctx.header("Content-Encoding");
        if (encoding == null || encoding.isBlank() || encoding.equalsIgnoreCase("identity")) return raw;
        if (encoding.equalsIgnoreCase("gzip") || encoding.equalsIgnoreCase("x-gzip")) {
            return new LimitedInputStream(new GZIPInputStream(raw, 16 * 1024), maxBytes, "decompressed body");
        }
        throw new UnsupportedMediaTypeException("Content-Encoding '" + encoding
                + "' is not supported; use gzip or none");
    }
}
