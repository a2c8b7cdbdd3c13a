package io.tidemark.ingest.format;

/**
 * Reads a line protocol field value that is not a string: a float ({@code 1}, {@code -1.5}, {@code .5},
 * {@code 1e-3}), an integer ({@code 12i}), an unsigned integer ({@code 12u}) or a boolean ({@code t}, {@code T},
 * {@code true}, {@code True}, {@code TRUE} and the same of false), as InfluxDB servers accept them. Every one becomes
 * a double: booleans 1 and 0, integers beyond 2^53 the nearest double. NaN and infinities are not numbers here, as
 * in InfluxDB. Not thread-safe; one per request.
 */
final class FieldValues {
    private static final long MAX_UNSIGNED_DIV_10 = Long.divideUnsigned(-1L, 10);

    /** The value last read, when {@link #read} answered null. */
    double value;

    /** Reads {@code text[from, to)} into {@link #value}; answers what is wrong with it, or null. */
    String read(char[] text, int from, int to) {
        if (from == to) return "missing field value";
        char last = text[to - 1];
        char first = text[from];
        if (first == 't' || first == 'T' || first == 'f' || first == 'F') return bool(text, from, to);
        if (last == 'i') return integer(text, from, to - 1);
        if (last == 'u') return unsigned(text, from, to - 1);
        return decimal(text, from, to);
    }

    private static final String[] TRUE = {"t", "T", "true", "True", "TRUE"};
    private static final String[] FALSE = {"f", "F", "false", "False", "FALSE"};

    private String bool(char[] text, int from, int to) {
        if (isOneOf(TRUE, text, from, to)) {
            value = 1;
        } else if (isOneOf(FALSE, text, from, to)) {
            value = 0;
        } else {
            return "invalid boolean";
        }
        return null;
    }

    /** Whether {@code text[from, to)} is one of {@code words}, compared in place (no String per value). */
    private static boolean isOneOf(String[] words, char[] text, int from, int to) {
        for (String word : words) {
            if (word.length() != to - from) continue;
            int i = 0;
            while (i < word.length() && word.charAt(i) == text[from + i]) i++;
            if (i == word.length()) return true;
        }
        return false;
    }

    private String integer(char[] text, int from, int to) {
        boolean negative = from < to && text[from] == '-';
        int i = negative ? from + 1 : from;
        if (i == to) return "invalid number";
        long n = 0; // accumulated negatively: -2^63 has no positive counterpart
        for (; i < to; i++) {
            int d = text[i] - '0';
            if (d < 0 || d > 9) return "invalid number";
            if (n < (Long.MIN_VALUE + d) / 10) return "value out of range";
            n = n * 10 - d;
        }
        if (!negative && n == Long.MIN_VALUE) return "value out of range";
        value = negative ? n : -n;
        return null;
    }

    private String unsigned(char[] text, int from, int to) {
        if (from == to) return "invalid number";
        if (text[from] == '-') return "value out of range";
        long n = 0;
        for (int i = from; i < to; i++) {
            int d = text[i] - '0';
            if (d < 0 || d > 9) return "invalid number";
            if (Long.compareUnsigned(n, MAX_UNSIGNED_DIV_10) > 0) return "value out of range";
            long next = n * 10 + d;
            if (Long.compareUnsigned(next, n * 10) < 0) return "value out of range";
            n = next;
        }
        // Past 2^63: halve, keeping the lowest bit as a sticky bit so the one rounding to double stays correct (adding
        // the bit back after rounding the half rounded twice, and was off by one ulp for some values).
        value = n >= 0 ? n : (double) ((n >>> 1) | (n & 1)) * 2.0;
        return null;
    }

    /** {@code -?(digits)?(.digits?)?([eE][+-]?digits)?} with at least one mantissa digit, as 1.x's scanNumber. */
    private String decimal(char[] text, int from, int to) {
        int i = from;
        if (text[i] == '-') i++;
        int digits = 0;
        while (i < to && isDigit(text[i])) {
            i++;
            digits++;
        }
        if (i < to && text[i] == '.') {
            i++;
            while (i < to && isDigit(text[i])) {
                i++;
                digits++;
            }
        }
        if (digits == 0) return "invalid number";
        if (i < to && (text[i] == 'e' || text[i] == 'E')) {
            i++;
            if (i < to && (text[i] == '+' || text[i] == '-')) i++;
            int exponent = 0;
            while (i < to && isDigit(text[i])) {
                i++;
                exponent++;
            }
            if (exponent == 0) return "invalid number";
        }
        if (i != to) return "invalid number";
        // A String per float: Double.parseDouble is the correctly rounded parser the JDK has for text.
        double d = Double.parseDouble(new String(text, from, to - from));
        if (!Double.isFinite(d)) return "value out of range";
        value = d;
        return null;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
