package io.tidemark.ingest.format;

import io.tidemark.names.Names;

/**
 * Names one thread has validated lately. A sensor or metric seen before then costs a hash and a comparison of the
 * parser's own characters, instead of a new String, a validation and, in SeriesRegistry, a fresh hash code: the
 * same instance comes back every time, with its hash cached. Only names that passed {@link Names#problem} are
 * kept, so answers are unchanged. Direct-mapped and bounded (a collision replaces the entry): at most
 * {@link #SLOTS} names per thread.
 */
final class KnownNames {
    private static final int SLOTS = 1024; // a power of two
    private final String[] slots = new String[SLOTS];

    /** Hash of the characters (String.hashCode's function). */
    static int hash(char[] text, int offset, int length) {
        int h = 0;
        for (int i = offset; i < offset + length; i++) h = 31 * h + text[i];
        return h;
    }

    /** The remembered name equal to {@code text[offset, offset + length)}, or null. */
    String find(char[] text, int offset, int length, int hash) {
        String s = slots[slot(hash)];
        if (s == null || s.length() != length) return null;
        for (int i = 0; i < length; i++) {
            if (s.charAt(i) != text[offset + i]) return null;
        }
        return s;
    }

    /**
     * The remembered name whose characters are the bytes {@code utf8[offset, offset + length)}, or null. Only names
     * in ASCII are found this way (a byte of a longer UTF-8 sequence is negative, and equals no char): the rest are
     * decoded, and checked by their String.
     */
    String find(byte[] utf8, int offset, int length) {
        int h = 0;
        for (int i = offset; i < offset + length; i++) h = 31 * h + utf8[i];
        String s = slots[slot(h)];
        if (s == null || s.length() != length) return null;
        for (int i = 0; i < length; i++) {
            if (s.charAt(i) != utf8[offset + i]) return null;
        }
        return s;
    }

    /**
     * The remembered name equal to {@code text}, or null: for a decoder that has the name as a String already (remote
     * write), the remembered instance still spares the validation, and has its hash cached for the series lookup.
     */
    String find(String text) {
        String s = slots[slot(text.hashCode())];
        return text.equals(s) ? s : null;
    }

    void remember(String name) {
        remember(name, name.hashCode());
    }

    void remember(String name, int hash) {
        slots[slot(hash)] = name;
    }

    private static int slot(int hash) {
        return (hash ^ (hash >>> 16)) & (SLOTS - 1);
    }
}
