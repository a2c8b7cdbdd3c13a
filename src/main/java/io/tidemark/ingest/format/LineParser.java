package io.tidemark.ingest.format;

import io.tidemark.names.Tags;
import io.tidemark.time.EpochMicros;
import java.util.Arrays;

/**
 * Parses one line of line protocol ({@code measurement[,tag=value...] field=value[,field=value...] [timestamp]}) into
 * readings, as InfluxDB servers do: a backslash escapes the next character only if that one needs it (comma and
 * space in a measurement; comma, equals sign and space in tag keys, tag values and field keys; quote and backslash in
 * a string value), and is an ordinary character otherwise ({@code a\\ b} is the tag value {@code a\ b}).
 * Not thread-safe; one per request.
 */
final class LineParser {
    static final String TIME_HINT = "line protocol timestamps are in the precision given, default ns";
    private static final String MEASUREMENT_ESCAPES = ", ";
    private static final String KEY_ESCAPES = ",= ";

    private final Precision precision;
    private final Tags extraTags;
    private final StringFields stringFields;
    private final LineNames names;
    private final Tags.Builder tagBuilder;
    private final FieldValues fieldValues = new FieldValues();
    /** The raw tag section of the previous line and its tags: a run of lines of one series builds them once. */
    private char[] lastRawTags = new char[64];
    private int lastRawTagsLength = -1;
    private Tags lastTags;
    private String[] metrics = new String[8];
    private double[] values = new double[8];

    private char[] text;
    private int end;
    private int pos;
    private String problemField;
    private String problem;

    LineParser(Precision precision, Tags extraTags, StringFields stringFields, LineNames names,
            Tags.Builder tagBuilder) {
        this.precision = precision;
        this.extraTags = extraTags;
        this.stringFields = stringFields;
        this.names = names;
        this.tagBuilder = tagBuilder;
    }

    /** The part of the line at fault after {@link #parse} answered false ("measurement", "tag key", ...). */
    String problemField() {
        return problemField;
    }

    /** What is wrong, after {@link #parse} answered false. */
    String problem() {
        return problem;
    }

    /**
     * Parses {@code line[from, to)} (leading whitespace already skipped) and adds its readings to {@code out}, or
     * nothing if it answers false.
     */
    boolean parse(char[] line, int from, int to, ParsedReadings out, TimeWindow window) {
        text = line;
        pos = from;
        end = to;
        if (end > pos && text[end - 1] == '\r') end--; // CRLF line endings
        int nameEnd = scan(MEASUREMENT_ESCAPES, false);
        if (nameEnd == from) return fail("measurement", "missing measurement");
        String sensor = name(from, nameEnd, MEASUREMENT_ESCAPES, "measurement");
        if (sensor == null) return false;
        Tags tags;
        if (pos < end && text[pos] == ',') {
            tags = tags();
            if (tags == null) return false;
        } else {
            tags = extraTags; // a line without tags has just the extra ones, a valid set already
        }
        skipSpaces();
        if (pos == end) return fail("fields", "missing fields");
        int fieldCount = 0;
        int skipped = 0;
        while (true) {
            int keyStart = pos;
            int keyEnd = scan(KEY_ESCAPES, true);
            if (keyEnd == keyStart) return fail("field key", "missing field key");
            if (pos == end || text[pos] != '=') return fail("field key", "missing field value");
            String metric = name(keyStart, keyEnd, KEY_ESCAPES, "field key");
            if (metric == null) return false;
            pos++;
            if (pos < end && text[pos] == '"') {
                if (!skipString()) return fail("field value of " + abbreviate(metric), "unbalanced quotes");
                if (stringFields == StringFields.REJECT) {
                    return fail("field value of " + abbreviate(metric), "string fields are not accepted: Tidemark "
                            + "stores numbers");
                }
                skipped++;
            } else {
                int valueStart = pos;
                while (pos < end && text[pos] != ',' && text[pos] != ' ') pos++;
                String wrong = fieldValues.read(text, valueStart, pos);
                if (wrong != null) return fail("field value of " + abbreviate(metric), wrong);
                fieldCount = addField(fieldCount, metric, fieldValues.value);
            }
            if (pos == end || text[pos] == ' ') break;
            if (text[pos] != ',') return fail("field value of " + abbreviate(metric), "invalid field format");
            pos++;
        }
        long micros;
        skipSpaces();
        if (pos == end) {
            micros = precision.truncate(window.nowMicros());
            out.timestampsDefaulted = true;
        } else {
            micros = timestamp();
            if (micros == Long.MIN_VALUE) return false;
            String outside = window.problem(micros, TIME_HINT);
            if (outside != null) return fail("timestamp", outside);
        }
        for (int i = 0; i < fieldCount; i++) out.add(sensor, metrics[i], tags, micros, values[i]);
        out.skip(SkipReason.STRING_FIELD, skipped);
        return true;
    }

    private Tags tags() {
        int rawStart = pos;
        Tags.Builder builder = tagBuilder.clear();
        while (pos < end && text[pos] == ',') {
            pos++;
            int keyStart = pos;
            int keyEnd = scan(KEY_ESCAPES, true);
            if (pos == end || text[pos] != '=') return failTags("tag key", "missing tag value");
            if (keyEnd == keyStart) return failTags("tag key", "missing tag key");
            pos++;
            int valueStart = pos;
            int valueEnd = scan(KEY_ESCAPES, false);
            if (valueEnd == valueStart) return failTags("tag value of " + raw(keyStart, keyEnd), "missing tag value");
        }
        if (pos == end) return failTags("fields", "missing fields");
        int rawLength = pos - rawStart;
        if (rawLength == lastRawTagsLength
                && Arrays.equals(text, rawStart, pos, lastRawTags, 0, rawLength)) {
            return lastTags;
        }
        int after = pos;
        pos = rawStart;
        while (pos < after) { // the second pass, now that the syntax is known good: unescape and check
            pos++;
            int keyStart = pos;
            int keyEnd = scan(KEY_ESCAPES, true);
            String key = name(keyStart, keyEnd, KEY_ESCAPES, "tag key");
            if (key == null) return null;
            pos++;
            int valueStart = pos;
            int valueEnd = scan(KEY_ESCAPES, false);
            String value = tagValue(valueStart, valueEnd, key);
            if (value == null) return null;
            builder.add(key, value);
        }
        Tags tags = withExtraTags(builder);
        if (tags == null) return null;
        if (lastRawTags.length < rawLength) lastRawTags = new char[Math.max(rawLength, lastRawTags.length * 2)];
        System.arraycopy(text, rawStart, lastRawTags, 0, rawLength);
        lastRawTagsLength = rawLength;
        lastTags = tags;
        return tags;
    }

    /** Every key and value was checked as a name already (LineNames; the extra tags are a valid set). */
    private Tags withExtraTags(Tags.Builder builder) {
        for (int i = 0; i < extraTags.size(); i++) {
            if (!builder.contains(extraTags.key(i))) builder.add(extraTags.key(i), extraTags.value(i));
        }
        String wrong = builder.setProblem();
        if (wrong != null) return failTags("tags", wrong);
        return builder.build();
    }

    /** Moves past {@code text[pos...]} to the next unescaped stop character, answering where the part ends. */
    private int scan(String escapes, boolean stopAtEquals) {
        while (pos < end) {
            char c = text[pos];
            if (c == '\\' && pos + 1 < end && escapes.indexOf(text[pos + 1]) >= 0) {
                pos += 2;
                continue;
            }
            if (c == ',' || c == ' ' || (stopAtEquals && c == '=')) break;
            pos++;
        }
        return pos;
    }

    /** Past a string value starting at the quote under {@code pos}; false if it never closes. */
    private boolean skipString() {
        pos++;
        while (pos < end) {
            char c = text[pos];
            if (c == '\\' && pos + 1 < end) {
                pos += 2;
            } else if (c == '"') {
                pos++;
                return true;
            } else {
                pos++;
            }
        }
        return false;
    }

    private long timestamp() {
        int start = pos;
        while (pos < end && text[pos] != ' ') pos++;
        int stop = pos;
        while (pos < end && (text[pos] == ' ' || text[pos] == '\t')) pos++;
        if (pos != end) return failTime("unexpected text after the timestamp");
        boolean negative = text[start] == '-';
        int i = negative ? start + 1 : start;
        if (i == stop) return failTime("bad timestamp");
        long n = 0;
        for (; i < stop; i++) {
            int d = text[i] - '0';
            if (d < 0 || d > 9) return failTime("bad timestamp");
            if (n < (Long.MIN_VALUE + d) / 10) return failTime("timestamp out of range: " + EpochMicros.RANGE);
            n = n * 10 - d;
        }
        if (!negative && n == Long.MIN_VALUE) return failTime("timestamp out of range: " + EpochMicros.RANGE);
        long micros = precision.toMicros(negative ? n : -n);
        if (!EpochMicros.inRange(micros)) return failTime("timestamp out of range: " + EpochMicros.RANGE);
        return micros;
    }

    private int addField(int count, String metric, double value) {
        for (int i = 0; i < count; i++) {
            if (metrics[i].equals(metric)) { // InfluxDB keeps the last value of a repeated field
                values[i] = value;
                return count;
            }
        }
        if (count == metrics.length) {
            metrics = Arrays.copyOf(metrics, count * 2);
            values = Arrays.copyOf(values, count * 2);
        }
        metrics[count] = metric;
        values[count] = value;
        return count + 1;
    }

    /** A measurement, field key or tag key, unescaped and checked; null (and the problem noted) if it is bad. */
    private String name(int from, int to, String escapes, String part) {
        String name = names.name(text, from, to, escapes);
        return name != null ? name : failString(part, part + " '" + abbreviate(names.rejected()) + "' "
                + names.problem());
    }

    private String tagValue(int from, int to, String key) {
        String value = names.tagValue(text, from, to, KEY_ESCAPES);
        return value != null ? value : failString("tag value of " + abbreviate(key), "value of tag '"
                + abbreviate(key) + "' " + names.problem());
    }

    private String raw(int from, int to) {
        return abbreviate(new String(text, from, to - from));
    }

    private boolean fail(String field, String message) {
        problemField = field;
        problem = message;
        return false;
    }

    private Tags failTags(String field, String message) {
        fail(field, message);
        return null;
    }

    private String failString(String field, String message) {
        fail(field, message);
        return null;
    }

    private long failTime(String message) {
        fail("timestamp", message);
        return Long.MIN_VALUE;
    }

    private void skipSpaces() {
        while (pos < end && text[pos] == ' ') pos++;
    }

    static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }
}
