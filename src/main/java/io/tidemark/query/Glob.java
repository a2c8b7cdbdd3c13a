package io.tidemark.query;

/**
 * A name pattern: {@code *} matches any run of characters (also none), {@code ?} exactly one character, anything
 * else itself. Used for alert rules and stream filters, so the two read alike. Immutable and thread-safe.
 */
public final class Glob {
    private enum Kind { ANY, EXACT, PREFIX, GENERAL }

    private final String pattern;
    private final Kind kind;
    private final String literal;
    private final int[] codePoints;

    private Glob(String pattern) {
        this.pattern = pattern;
        boolean wild = pattern.indexOf('?') >= 0;
        int firstStar = pattern.indexOf('*');
        if (pattern.chars().allMatch(c -> c == '*') && !pattern.isEmpty()) {
            kind = Kind.ANY;
            literal = "";
        } else if (!wild && firstStar < 0) {
            kind = Kind.EXACT;
            literal = pattern;
        } else if (!wild && firstStar == pattern.length() - 1) {
            kind = Kind.PREFIX;
            literal = pattern.substring(0, firstStar);
        } else {
            kind = Kind.GENERAL;
            literal = null;
        }
        this.codePoints = pattern.codePoints().toArray();
    }

    public static Glob of(String pattern) {
        if (pattern == null || pattern.isEmpty()) throw new IllegalArgumentException("a glob must not be empty");
        return new Glob(pattern);
    }

    /** Matches every name. */
    public static Glob any() {
        return new Glob("*");
    }

    public boolean matchesAll() {
        return kind == Kind.ANY;
    }

    public boolean matches(String name) {
        return switch (kind) {
            case ANY -> true;
            case EXACT -> literal.equals(name);
            case PREFIX -> name.startsWith(literal);
            case GENERAL -> matchesGeneral(name.codePoints().toArray());
        };
    }

    /**
     * The same pattern as a SQL {@code LIKE} pattern with the default escape character (backslash), to be bound as a
     * parameter, never concatenated into SQL.
     */
    public String toSqlLike() {
        StringBuilder like = new StringBuilder(pattern.length() + 4);
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            switch (c) {
                case '*' -> like.append('%');
                case '?' -> like.append('_');
                case '%', '_', '\\' -> like.append('\\').append(c);
                default -> like.append(c);
            }
        }
        return like.toString();
    }

    /**
     * Greedy match with backtracking to the last star: linear for typical patterns, at worst pattern x name steps;
     * code points, not chars, so {@code ?} matches one character outside the Basic Multilingual Plane too.
     */
    private boolean matchesGeneral(int[] s) {
        int[] p = codePoints;
        int si = 0;
        int pi = 0;
        int star = -1;
        int resume = 0;
        while (si < s.length) {
            if (pi < p.length && (p[pi] == '?' || p[pi] != '*' && p[pi] == s[si])) {
                si++;
                pi++;
            } else if (pi < p.length && p[pi] == '*') {
                star = pi++;
                resume = si;
            } else if (star >= 0) {
                pi = star + 1;
                si = ++resume;
            } else {
                return false;
            }
        }
        while (pi < p.length && p[pi] == '*') pi++;
        return pi == p.length;
    }

    @Override
    public String toString() {
        return pattern;
    }
}
