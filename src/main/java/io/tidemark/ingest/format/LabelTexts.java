package io.tidemark.ingest.format;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Reads the protobuf strings of a remote write body (label names and values) where they lie in the body's array,
 * through a {@link KnownNames} cache: a label seen before costs a hash and a comparison of its bytes, not a UTF-8
 * decode, a new String and its hash code. Profiled, those were two thirds of the decoder's time, and a Prometheus
 * sends the same few thousand label texts in every request. Not thread-safe; one per request.
 */
final class LabelTexts {
    private final byte[] body;

    LabelTexts(byte[] body) {
        this.body = body;
    }

    /**
     * Reads the length-delimited string at the decoder's position, which must read {@link #body} from its start.
     *
     * @throws InvalidProtocolBufferException if the length runs past the message or the body, or the text is not
     *     UTF-8 (proto3 strings must be)
     */
    String read(CodedInputStream in, KnownNames known) throws IOException {
        int length = in.readRawVarint32();
        int offset = in.getTotalBytesRead();
        int room = in.getBytesUntilLimit();
        if (length < 0 || length > body.length - offset || room >= 0 && length > room) {
            throw new InvalidProtocolBufferException("a string's length (" + length + " bytes) runs past its message"
                    + " or the body (the body was cut or is no protobuf)");
        }
        String text = known.find(body, offset, length);
        if (text == null) text = decode(offset, length);
        in.skipRawBytes(length);
        return text;
    }

    private String decode(int offset, int length) throws InvalidProtocolBufferException {
        String text = new String(body, offset, length, StandardCharsets.UTF_8);
        // The lenient decoder above marks malformed bytes with U+FFFD; only then is the strict one worth its cost.
        if (text.indexOf('\uFFFD') >= 0) {
            try {
                StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body, offset, length));
            } catch (CharacterCodingException e) {
                throw new InvalidProtocolBufferException("a label is not valid UTF-8");
            }
        }
        return text;
    }
}
