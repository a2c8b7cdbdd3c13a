package io.tidemark.names;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tag set of a series: string keys with string values, part of its identity together with sensor and metric.
 * Immutable; keys are unique and kept sorted (by {@link String#compareTo}), so two equal sets are equal objects with
 * one canonical {@link #json()} text, whatever order they arrived in.
 *
 * <p>A key is a name ({@link Names#problem}); a value follows the same character rules and may be up to
 * {@value #MAX_VALUE_LENGTH} code points long (Telegraf and Prometheus tag values hold paths, image names, URLs). At
 * most {@value #MAX_TAGS} tags.
 */
public final class Tags implements Comparable<Tags> {
    public static final int MAX_TAGS = 64;
    public static final int MAX_VALUE_LENGTH = 1024;
    public static final Tags NONE = new Tags(new String[0], new String[0]);
    /** A key given twice is an error, not silently the last one: a client's tags are taken as written or refused. */
    private static final ObjectReader JSON_OBJECT = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .readerFor(new TypeReference<Map<String, String>>() {});

    private final String[] keys;
    private final String[] values;
    private final int hash;
    private String json;

    private Tags(String[] keys, String[] values) {
        this.keys = keys;
        this.values = values;
        this.hash = 31 * Arrays.hashCode(keys) + Arrays.hashCode(values);
    }

    /**
     * The tags of {@code map}, which must hold valid keys and values (see {@link #problem(Map)}). Also how Jackson
     * reads a tags object (written by {@link #toMap()}).
     */
    @JsonCreator
    public static Tags of(Map<String, String> map) {
        if (map.isEmpty()) return NONE;
        TreeMap<String, String> sorted = new TreeMap<>(map);
        return new Tags(sorted.keySet().toArray(String[]::new), sorted.values().toArray(String[]::new));
    }

    /**
     * The tags of a JSON object of strings as PostgreSQL stores them (the {@code tags} column), trusted to be valid.
     *
     * @throws IllegalArgumentException if {@code json} is not a JSON object of strings
     */
    public static Tags parse(String json) {
        return json.equals("{}") ? NONE : of(readObject(json));
    }

    /**
     * The keys and values of a JSON object of strings, not yet checked as tags ({@link #problem(Map)}); null for the
     * JSON {@code null}.
     *
     * @throws IllegalArgumentException if {@code json} is not a JSON object of strings, or repeats a key
     */
    public static Map<String, String> readObject(String json) {
        try {
            return JSON_OBJECT.readValue(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON object of strings: " + abbreviate(json), e);
        }
    }

    /** Why {@code map} is not a valid tag set (too many tags, a bad key or value), or null if it is. */
    public static String problem(Map<String, String> map) {
        if (map.size() > MAX_TAGS) return "has " + map.size() + " tags; at most " + MAX_TAGS + " are allowed";
        for (var e : map.entrySet()) {
            String p = keyProblem(e.getKey());
            if (p != null) return "tag key '" + abbreviate(e.getKey()) + "' " + p;
            p = valueProblem(e.getValue());
            if (p != null) return "value of tag '" + abbreviate(e.getKey()) + "' " + p;
        }
        return null;
    }

    /** Why {@code key} may not be a tag key, or null if it may. */
    public static String keyProblem(String key) {
        return Names.problem(key);
    }

    /** Why {@code value} may not be a tag value, or null if it may. */
    public static String valueProblem(String value) {
        return Names.problem(value, MAX_VALUE_LENGTH);
    }

    public int size() {
        return keys.length;
    }

    public boolean isEmpty() {
        return keys.length == 0;
    }

    /** The {@code i}th key in sorted order. */
    public String key(int i) {
        return keys[i];
    }

    public String value(int i) {
        return values[i];
    }

    /** The value of {@code key}, or null. */
    public String get(String key) {
        int i = Arrays.binarySearch(keys, key);
        return i < 0 ? null : values[i];
    }

    /** Whether every tag of {@code subset} is one of these, with the same value (PostgreSQL's {@code @>}). */
    public boolean contains(Tags subset) {
        int j = 0;
        for (int i = 0; i < subset.keys.length; i++) {
            while (j < keys.length && keys[j].compareTo(subset.keys[i]) < 0) j++;
            if (j == keys.length || !keys[j].equals(subset.keys[i]) || !values[j].equals(subset.values[i])) {
                return false;
            }
            j++;
        }
        return true;
    }

    /** A JSON object, keys in sorted order: the text handed to PostgreSQL as {@code jsonb}. */
    public String json() {
        String j = json;
        if (j == null) {
            StringBuilder out = new StringBuilder(16 * keys.length + 2).append('{');
            for (int i = 0; i < keys.length; i++) {
                if (i > 0) out.append(',');
                quote(keys[i], out);
                out.append(':');
                quote(values[i], out);
            }
            json = j = out.append('}').toString();
        }
        return j;
    }

    /** Keys and values as a map, sorted by key; also how Jackson writes tags, as a JSON object. */
    @JsonValue
    public Map<String, String> toMap() {
        TreeMap<String, String> map = new TreeMap<>();
        for (int i = 0; i < keys.length; i++) map.put(keys[i], values[i]);
        return map;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tags t && hash == t.hash && Arrays.equals(keys, t.keys) && Arrays.equals(values, t.values);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** Fewer tags first, then key by key and value by value: any total order will do, this one is cheap. */
    @Override
    public int compareTo(Tags o) {
        if (keys.length != o.keys.length) return Integer.compare(keys.length, o.keys.length);
        for (int i = 0; i < keys.length; i++) {
            int c = keys[i].compareTo(o.keys[i]);
            if (c != 0) return c;
            c = values[i].compareTo(o.values[i]);
            if (c != 0) return c;
        }
        return 0;
    }

    @Override
    public String toString() {
        return json();
    }

    /** Names never hold control characters, so only the quote and the backslash need escaping. */
    private static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') out.append('\\');
            out.append(c);
        }
        out.append('"');
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }

    /**
     * Collects the tags of one series as a parser meets them, in any order. Not thread-safe; reuse it with
     * {@link #clear()}.
     */
    public static final class Builder {
        private String[] keys = new String[8];
        private String[] values = new String[8];
        private int size;

        public Builder clear() {
            size = 0;
            return this;
        }

        /** Adds a tag; a key already added is reported by {@link #problem()}, not replaced. */
        public Builder add(String key, String value) {
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            keys[size] = key;
            values[size] = value;
            size++;
            return this;
        }

        public int size() {
            return size;
        }

        /** Whether {@code key} was added. */
        public boolean contains(String key) {
            for (int i = 0; i < size; i++) {
                if (keys[i].equals(key)) return true;
            }
            return false;
        }

        /** Why the tags added are not a valid set (too many, a bad or repeated key, a bad value), or null. */
        public String problem() {
            if (size > MAX_TAGS) return "has " + size + " tags; at most " + MAX_TAGS + " are allowed";
            for (int i = 0; i < size; i++) {
                String p = keyProblem(keys[i]);
                if (p != null) return "tag key '" + abbreviate(keys[i]) + "' " + p;
                p = valueProblem(values[i]);
                if (p != null) return "value of tag '" + abbreviate(keys[i]) + "' " + p;
            }
            return setProblem();
        }

        /**
         * Why the tags added are not a valid set, for a caller that has checked every key and value already (a
         * parser that checks each name once, as it first meets it): too many, or a key repeated; or null.
         */
        public String setProblem() {
            if (size > MAX_TAGS) return "has " + size + " tags; at most " + MAX_TAGS + " are allowed";
            for (int i = 1; i < size; i++) {
                for (int j = 0; j < i; j++) {
                    if (keys[j].equals(keys[i])) return "tag key '" + abbreviate(keys[i]) + "' appears twice";
                }
            }
            return null;
        }

        /** The tags added, which must be a valid set ({@link #problem()} null). */
        public Tags build() {
            if (size == 0) return NONE;
            String[] k = Arrays.copyOf(keys, size);
            String[] v = Arrays.copyOf(values, size);
            // Insertion sort: tag sets are small, and usually arrive sorted (line protocol clients sort them).
            for (int i = 1; i < size; i++) {
                String key = k[i];
                String value = v[i];
                int j = i - 1;
                while (j >= 0 && k[j].compareTo(key) > 0) {
                    k[j + 1] = k[j];
                    v[j + 1] = v[j];
                    j--;
                }
                k[j + 1] = key;
                v[j + 1] = value;
            }
            return new Tags(k, v);
        }
    }
}
