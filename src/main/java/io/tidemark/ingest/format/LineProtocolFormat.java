package io.tidemark.ingest.format;

import io.tidemark.names.Tags;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * InfluxDB line protocol, as InfluxDB servers (1.x {@code models/points.go}, 2.x) parse it: each field of a line
 * is one reading, sensor = measurement, metric = field key, tags = the line's tags plus {@code extraTags} (a line's
 * own tag of the same key wins). All or nothing: any bad line and nothing is returned.
 *
 * <p>Timestamps are integers in the {@link Precision} given and become epoch microseconds by floor division: finer
 * digits are dropped. A line without one takes the time of receipt truncated to the precision, as InfluxDB does.
 * Floats, integers ({@code i}), unsigned integers ({@code u}) and booleans (1 and 0) are readings; integers beyond
 * 2^53 become the nearest double. String fields are skipped and counted, or refused ({@link StringFields}).
 *
 * <p>Where Tidemark differs from InfluxDB servers (for the README):
 * <ul>
 * <li>measurements, field keys, tag keys and tag values follow Tidemark's name rule, so a control character (a raw
 * tab, NUL, ...), an invisible, unassigned or private-use character, a space other than U+0020, a blank name (a tag
 * key that is one escaped space), a name over 200 code points or a tag value over 1024, or more than 64 tags make the
 * line a problem; InfluxDB stores them. So does invalid UTF-8, which InfluxDB stores as bytes;</li>
 * <li>a line is at most {@value #MAX_LINE_BYTES} bytes;</li>
 * <li>string fields are not stored ({@link StringFields});</li>
 * <li>timestamps keep microseconds and may lie anywhere in years 1 to 9999, where InfluxDB keeps int64
 * nanoseconds (years 1677 to 2262);</li>
 * <li>unsigned integers are accepted, as by 2.x (1.x refuses them unless built with uint support);</li>
 * <li>the keys {@code time}, {@code _measurement} and {@code _field} are ordinary keys (1.x drops a field
 * {@code time}, 2.x refuses those tag keys);</li>
 * <li>all or nothing, as 2.x (1.x writes the good lines and answers "partial write");</li>
 * <li>a string value is found by the grammar, right after a field key's {@code =}: 1.x's {@code scanLine} also takes
 * a quote inside a field key for one, and a backslash before a newline for an escape, and may then join two
 * lines.</li>
 * </ul>
 * Where the servers and the reference decoder (influxdata/line-protocol) differ, Tidemark follows the servers:
 * leading tabs and NULs are skipped, and a repeated field key keeps its last value.
 *
 * <p>A problem's {@code index} is the 0-based index of the line among the body's lines and {@code line} its 1-based
 * number (a string value may hold newlines, so a line is where the point starts). Thread-safe: per-call state only,
 * and per-thread caches of the names seen.
 */
public final class LineProtocolFormat implements ReadingFormat {
    static final int MAX_LINE_BYTES = 64 * 1024;

    /**
     * Shared by every instance: the routes make one per request (its precision and database tag), and a name checked
     * once is valid whatever either is, so each thread keeps what it has seen from request to request.
     */
    private static final ThreadLocal<KnownNames> KNOWN_NAMES = ThreadLocal.withInitial(KnownNames::new);
    private static final ThreadLocal<KnownNames> KNOWN_TAG_VALUES = ThreadLocal.withInitial(KnownNames::new);
    private static final ThreadLocal<Tags.Builder> TAG_BUILDERS = ThreadLocal.withInitial(Tags.Builder::new);
    private final Precision precision;
    private final Tags extraTags;
    private final StringFields stringFields;

    public LineProtocolFormat(Precision precision, Tags extraTags, StringFields stringFields) {
        this.precision = precision;
        this.extraTags = extraTags;
        this.stringFields = stringFields;
    }

    @Override
    public ParsedReadings parse(InputStream body, TimeWindow window) throws IOException {
        ReadingProblems problems = new ReadingProblems();
        ParsedReadings readings = new ParsedReadings(16);
        LineReader lines = new LineReader(body, MAX_LINE_BYTES);
        LineParser parser = new LineParser(precision, extraTags, stringFields,
                new LineNames(KNOWN_NAMES.get(), KNOWN_TAG_VALUES.get()), TAG_BUILDERS.get());
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        char[] chars = new char[256];
        while (lines.next()) {
            int number = lines.lineNumber();
            if (lines.tooLong()) {
                problems.add(number - 1, number, null, "unable to parse '" + excerpt(lines) + "': line is longer "
                        + "than " + MAX_LINE_BYTES + " bytes");
                continue;
            }
            if (chars.length < lines.length()) chars = new char[Math.max(lines.length(), chars.length * 2)];
            int length = decode(utf8, lines, chars);
            if (length < 0) {
                problems.add(number - 1, number, null, "unable to parse '" + excerpt(lines) + "': invalid UTF-8 at "
                        + "byte " + (-length - 1) + " of the line");
                continue;
            }
            int start = 0;
            while (start < length && (chars[start] == ' ' || chars[start] == '\t' || chars[start] == 0)) start++;
            if (start == length || chars[start] == '#') continue;
            if (start == length - 1 && chars[start] == '\r') continue;
            if (!parser.parse(chars, start, length, readings, window)) {
                problems.add(number - 1, number, parser.problemField(), "unable to parse '"
                        + LineParser.abbreviate(new String(chars, start, length - start)) + "': " + parser.problem());
            }
        }
        problems.throwIfAny();
        return readings;
    }

    /** Decodes the line into {@code chars}; answers the number of chars, or -1 - the offset of invalid UTF-8. */
    private static int decode(CharsetDecoder utf8, LineReader lines, char[] chars) {
        utf8.reset();
        ByteBuffer in = ByteBuffer.wrap(lines.bytes(), 0, lines.length());
        CharBuffer out = CharBuffer.wrap(chars);
        CoderResult result = utf8.decode(in, out, true);
        if (result.isError()) return -1 - in.position();
        result = utf8.flush(out);
        if (result.isError()) return -1 - in.position();
        return out.position();
    }

    private static String excerpt(LineReader lines) {
        int n = Math.min(lines.length(), 61);
        String s = new String(lines.bytes(), 0, n, StandardCharsets.UTF_8);
        return lines.length() > n ? s + "..." : s;
    }
}
