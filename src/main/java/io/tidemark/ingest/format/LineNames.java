package io.tidemark.ingest.format;

import io.tidemark.names.Names;
import io.tidemark.names.Tags;

/**
 * The names of line protocol lines (measurements, field keys, tag keys, tag values): unescaped into a reused buffer,
 * then looked up among those the thread has seen ({@link KnownNames}), and checked only when new. Not thread-safe;
 * one per request.
 */
final class LineNames {
    private final KnownNames names;
    private final KnownNames tagValues;
    private char[] scratch = new char[64];
    private String rejected;
    private String problem;

    LineNames(KnownNames names, KnownNames tagValues) {
        this.names = names;
        this.tagValues = tagValues;
    }

    /** The name (measurement, field or tag key) {@code text[from, to)} stands for, or null if it is no valid name. */
    String name(char[] text, int from, int to, String escapes) {
        return lookUp(names, text, from, to, escapes, false);
    }

    /** The tag value {@code text[from, to)} stands for, or null if it is no valid tag value. */
    String tagValue(char[] text, int from, int to, String escapes) {
        return lookUp(tagValues, text, from, to, escapes, true);
    }

    /** The text refused last. */
    String rejected() {
        return rejected;
    }

    /** Why it was refused. */
    String problem() {
        return problem;
    }

    private String lookUp(KnownNames known, char[] text, int from, int to, String escapes, boolean tagValue) {
        int length = unescape(text, from, to, escapes);
        int hash = KnownNames.hash(scratch, 0, length);
        String s = known.find(scratch, 0, length, hash);
        if (s != null) return s;
        s = new String(scratch, 0, length);
        String wrong = tagValue ? Tags.valueProblem(s) : Names.problem(s);
        if (wrong != null) {
            rejected = s;
            problem = wrong;
            return null;
        }
        known.remember(s, hash);
        return s;
    }

    /** Copies {@code text[from, to)} into {@link #scratch}, dropping each backslash before one of {@code escapes}. */
    private int unescape(char[] text, int from, int to, String escapes) {
        if (scratch.length < to - from) scratch = new char[Math.max(to - from, scratch.length * 2)];
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = text[i];
            if (c == '\\' && i + 1 < to && escapes.indexOf(text[i + 1]) >= 0) c = text[++i];
            scratch[n++] = c;
        }
        return n;
    }
}
