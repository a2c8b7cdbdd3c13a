package io.tidemark.ingest.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.tidemark.names.Names;
import io.tidemark.names.Tags;
import io.tidemark.time.EpochMicros;
import io.tidemark.time.Rfc3339;
import java.io.IOException;
import java.io.InputStream;

/**
 * Tidemark's own JSON: streams a request body into {@link ParsedReadings}, checking every reading and collecting
 * every problem.
 *
 * <p>A reading is {@code {"sensor": "...", "metric": "...", "tags": {"key": "value", ...}, "ts": "RFC 3339" |
 * epoch-millis, "value": number}}; {@code metric} defaults to {@code "value"}, {@code tags} to none, {@code ts} to
 * the time of receipt. Unknown fields are problems, not
 * silently dropped data. Thread-safe (the factory is shared, each call has its own parser, each thread its own
 * cache of known names).
 */
public final class JsonReadingFormat implements ReadingFormat {
    static final String DEFAULT_METRIC = "value";

    /** How the readings of a body are laid out. */
    public enum Layout {
        /** {@code application/json}: one reading object, or an array of them. */
        DOCUMENT,
        /** {@code application/x-ndjson}: one reading object a line. */
        LINES
    }

    private static final int SEEN_SENSOR = 1;
    private static final int SEEN_METRIC = 2;
    private static final int SEEN_TS = 4;
    private static final int SEEN_VALUE = 8;
    private static final int SEEN_TAGS = 16;

    /**
     * Leaves the body open (the caller may read on, to finish an idempotency hash, and closes it), and parses numbers
     * with FastDoubleParser (shipped inside jackson-core): the same correctly rounded doubles as Double.parseDouble,
     * with less work per value.
     */
    private final JsonFactory factory = JsonFactory.builder()
            .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();
    /**
     * One per thread: Jetty reuses its pooled threads, so each keeps the names it has seen without any locking. (On
     * virtual threads, one per request, this would cost more than it saves; use a small shared pool then.)
     */
    private final ThreadLocal<KnownNames> knownNames = ThreadLocal.withInitial(KnownNames::new);
    private final ThreadLocal<Tags.Builder> tagBuilders = ThreadLocal.withInitial(Tags.Builder::new);
    private final Layout layout;

    public JsonReadingFormat(Layout layout) {
        this.layout = layout;
    }

    @Override
    public ParsedReadings parse(InputStream body, TimeWindow window) throws IOException {
        ReadingProblems problems = new ReadingProblems();
        KnownNames names = knownNames.get();
        // Start small and let the arrays double: most requests carry a few readings, and zeroing room for 256 cost
        // more than parsing a one-reading request (bench/PROFILE.md). A 1000-reading array grows 6 times; no
        // measurable cost.
        ParsedReadings readings = new ParsedReadings(16);
        int index = 0;
        try (JsonParser p = factory.createParser(body)) {
            JsonToken first = p.nextToken();
            if (layout == Layout.DOCUMENT) {
                if (first == null) {
                    problems.add(0, 1, null, "body is empty; expected a reading object or an array of them");
                } else if (first == JsonToken.START_ARRAY) {
                    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY && t != null;
                            index++, t = p.nextToken()) {
                        readOne(p, t, index, readings, problems, window, names);
                    }
                    if (p.nextToken() != null) {
                        problems.add(index, line(p), null, "unexpected content after the closing ']'");
                    }
                } else {
                    readOne(p, first, index, readings, problems, window, names);
                    index++;
                    if (p.nextToken() != null) {
                        problems.add(index, line(p), null,
                                "unexpected content after the first object; send several readings as an array, "
                                        + "or as application/x-ndjson");
                    }
                }
            } else {
                for (JsonToken t = first; t != null; index++, t = p.nextToken()) {
                    readOne(p, t, index, readings, problems, window, names);
                }
            }
        } catch (JsonProcessingException e) {
            var where = e.getLocation();
            problems.add(index, where == null ? null : where.getLineNr(), null, "malformed JSON"
                    + (where == null ? "" : " at line " + where.getLineNr() + ", column " + where.getColumnNr())
                    + ": " + e.getOriginalMessage());
        }
        problems.throwIfAny();
        return readings;
    }

    private void readOne(JsonParser p, JsonToken token, int index, ParsedReadings out, ReadingProblems problems,
            TimeWindow window, KnownNames names) throws IOException {
        int line = line(p);
        if (token != JsonToken.START_OBJECT) {
            problems.add(index, line, null, "expected a reading object, got " + describe(token));
            p.skipChildren();
            return;
        }
        int before = problems.count();
        int seen = 0;
        String sensor = null;
        String metric = DEFAULT_METRIC;
        long ts = window.nowMicros();
        Tags tags = Tags.NONE;
        double value = 0;
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            int bit = switch (field) {
                case "sensor" -> SEEN_SENSOR;
                case "metric" -> SEEN_METRIC;
                case "ts" -> SEEN_TS;
                case "value" -> SEEN_VALUE;
                case "tags" -> SEEN_TAGS;
                default -> 0;
            };
            if (bit == 0) {
                problems.add(index, line, field, "unknown field; a reading has sensor, metric, tags, ts and value");
                p.skipChildren();
                continue;
            }
            if ((seen & bit) != 0) {
                problems.add(index, line, field, "appears more than once");
                p.skipChildren();
                continue;
            }
            seen |= bit;
            switch (field) {
                case "sensor" -> sensor = name(p, v, index, line, field, problems, names);
                case "metric" -> metric = name(p, v, index, line, field, problems, names);
                case "ts" -> ts = timestamp(p, v, index, line, problems, window);
                case "tags" -> tags = tags(p, v, index, line, problems);
                default -> value = value(p, v, index, line, problems);
            }
        }
        if ((seen & SEEN_SENSOR) == 0) problems.add(index, line, "sensor", "is required");
        if ((seen & SEEN_VALUE) == 0) problems.add(index, line, "value", "is required");
        if ((seen & SEEN_TS) == 0) out.timestampsDefaulted = true;
        if (problems.count() == before) out.add(sensor, metric, tags, ts, value);
    }

    private static String name(JsonParser p, JsonToken v, int index, int line, String field, ReadingProblems problems,
            KnownNames names) throws IOException {
        if (v != JsonToken.VALUE_STRING) {
            problems.add(index, line, field, "must be a string, got " + describe(v));
            p.skipChildren();
            return null;
        }
        char[] text = p.getTextCharacters();
        int offset = p.getTextOffset();
        int length = p.getTextLength();
        int hash = KnownNames.hash(text, offset, length);
        String known = names.find(text, offset, length, hash);
        if (known != null) return known;
        String s = new String(text, offset, length);
        String problem = Names.problem(s);
        if (problem != null) {
            problems.add(index, line, field, problem);
            return null;
        }
        names.remember(s, hash);
        return s;
    }

    /** A tags object of string values. */
    private Tags tags(JsonParser p, JsonToken v, int index, int line, ReadingProblems problems) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            problems.add(index, line, "tags", "must be an object of string values, got " + describe(v));
            p.skipChildren();
            return Tags.NONE;
        }
        Tags.Builder builder = tagBuilders.get().clear();
        boolean strings = true;
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String key = p.currentName();
            JsonToken value = p.nextToken();
            if (value == JsonToken.VALUE_STRING) {
                builder.add(key, p.getText());
            } else if (strings) { // one problem per tags object is enough; read on to its end all the same
                problems.add(index, line, "tags", "value of tag '" + abbreviate(key) + "' must be a string, got "
                        + describe(value));
                strings = false;
                p.skipChildren();
            } else {
                p.skipChildren();
            }
        }
        if (!strings) return Tags.NONE;
        String problem = builder.problem();
        if (problem != null) {
            problems.add(index, line, "tags", problem);
            return Tags.NONE;
        }
        return builder.build();
    }

    private static long timestamp(JsonParser p, JsonToken v, int index, int line, ReadingProblems problems,
            TimeWindow window) throws IOException {
        long micros;
        if (v == JsonToken.VALUE_STRING) {
            micros = Rfc3339.parseMicros(p.getText());
            if (micros == Rfc3339.INVALID) {
                problems.add(index, line, "ts", "'" + abbreviate(p.getText())
                        + "' is not an RFC 3339 timestamp such as 2026-11-24T10:00:00.123Z");
                return 0;
            }
        } else if (v == JsonToken.VALUE_NUMBER_INT) {
            long millis;
            try {
                millis = p.getLongValue();
            } catch (IOException e) { // out of long range
                millis = Long.MAX_VALUE;
            }
            if (!EpochMicros.millisInRange(millis)) {
                problems.add(index, line, "ts", "epoch milliseconds out of range: " + abbreviate(p.getText()) + "; "
                        + EpochMicros.RANGE);
                return 0;
            }
            micros = millis * EpochMicros.PER_MILLI;
        } else {
            problems.add(index, line, "ts", "must be an RFC 3339 string or integer epoch milliseconds, got "
                    + describe(v));
            p.skipChildren();
            return 0;
        }
        String outside = window.problem(micros);
        if (outside != null) problems.add(index, line, "ts", outside);
        return micros;
    }

    private static double value(JsonParser p, JsonToken v, int index, int line, ReadingProblems problems)
            throws IOException {
        if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
            problems.add(index, line, "value", "must be a finite number, got " + describe(v));
            p.skipChildren();
            return 0;
        }
        double d = p.getDoubleValue();
        if (!Double.isFinite(d)) {
            problems.add(index, line, "value", "must be a finite number; " + p.getText() + " is out of range");
        }
        return d;
    }

    private static int line(JsonParser p) {
        return p.currentTokenLocation().getLineNr();
    }

    private static String describe(JsonToken t) {
        if (t == null) return "end of input";
        return switch (t) {
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            default -> t.asString() == null ? t.name() : "'" + t.asString() + "'";
        };
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }
}
