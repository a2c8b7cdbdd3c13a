package io.tidemark.names;

/**
 * What a name (sensor, metric, alert rule) may be: 1 to {@value #MAX_LENGTH} code points, at least one of them
 * visible (a letter, number, punctuation or symbol: general categories L, N, P, S), and none that is invisible or
 * could make two names look alike:
 * <ul>
 * <li>no control (Cc), format (Cf: zero-width characters, bidirectional controls, the byte order mark, soft hyphen),
 * line or paragraph separator (Zl, Zp), surrogate (Cs), private-use (Co) or unassigned (Cn) code point, nor
 * U+FFFD, the mark of text that was decoded wrongly;</li>
 * <li>no space but U+0020: a no-break space (U+00A0, U+2007, U+202F) or any other space separator (Zs) would make a
 * second series that looks like the first. U+0020 may stand anywhere, at the ends too; names are never trimmed.</li>
 * </ul>
 * Combining marks (M) are allowed but are not visible on their own. Anything else is rejected, never escaped or
 * normalized. Messages name an offending character by its code point ({@code U+200B ZERO WIDTH SPACE}), never show
 * it.
 */
public final class Names {
    public static final int MAX_LENGTH = 200;

    private Names() {}

    /** Why {@code s} is not a valid name, or null if it is. */
    public static String problem(String s) {
        return problem(s, MAX_LENGTH);
    }

    /**
     * Why {@code s} is not valid under the rules of a name but up to {@code maxLength} code points long (a tag
     * value, say), or null if it is.
     */
    public static String problem(String s, int maxLength) {
        if (s.isEmpty()) return "must not be empty";
        if (s.length() > maxLength && s.codePointCount(0, s.length()) > maxLength) {
            return "is " + s.codePointCount(0, s.length()) + " characters long; at most " + maxLength
                    + " are allowed";
        }
        boolean visible = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int type = Character.getType(cp);
            String forbidden = forbidden(cp, type);
            if (forbidden != null) return contains(s, i, cp, forbidden);
            visible |= isVisible(type);
            i += Character.charCount(cp);
        }
        if (!visible) return "must not be blank: it has no letter, number, punctuation or symbol";
        return characterProblem(s);
    }

    /**
     * Why {@code s} holds a character that no name may hold, or null if it holds none: the check for text that
     * stands for part of a name or for a pattern of names (a prefix, a glob), which need not be a name itself.
     */
    public static String characterProblem(String s) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int type = Character.getType(cp);
            String forbidden = forbidden(cp, type);
            if (forbidden != null) return contains(s, i, cp, forbidden);
            if (type == Character.SPACE_SEPARATOR && cp != ' ') {
                return contains(s, i, cp, "the only space a name may contain is U+0020");
            }
            i += Character.charCount(cp);
        }
        return null;
    }

    /** What is wrong with a code point that may never appear in a name, or null if it may. */
    private static String forbidden(int cp, int type) {
        return switch (type) {
            case Character.CONTROL -> "a control character";
            case Character.FORMAT -> "an invisible format character";
            case Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> "a line or paragraph separator";
            case Character.SURROGATE -> "half of a surrogate pair";
            case Character.PRIVATE_USE -> "a private-use character";
            case Character.UNASSIGNED -> "not an assigned character";
            default -> cp == 0xFFFD ? "the replacement character, left by a failed decoding" : null;
        };
    }

    private static boolean isVisible(int type) {
        return switch (type) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER,
                    Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER,
                    Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION,
                    Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL,
                    Character.OTHER_SYMBOL -> true;
            default -> false;
        };
    }

    private static String contains(String s, int index, int cp, String why) {
        String name = Character.getName(cp);
        return String.format("contains U+%04X%s at position %d: %s", cp, name == null ? "" : " " + name,
                s.codePointCount(0, index), why);
    }
}
