package io.tidemark.ingest.format;

/** Sensor and metric names: 1 to 200 characters of printable Unicode. Anything else is rejected, never escaped. */
final class Names {
    static final int MAX_LENGTH = 200;

    private Names() {}

    /** Why {@code s} is not a valid name, or null if it is. */
    static String problem(String s) {
        if (s.isEmpty()) return "must not be empty";
        int length = s.codePointCount(0, s.length());
        if (length > MAX_LENGTH) {
            return "is " + length + " characters long; at most " + MAX_LENGTH + " are allowed";
        }
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int type = Character.getType(cp);
            if (type == Character.CONTROL || type == Character.SURROGATE || type == Character.UNASSIGNED
                    || type == Character.PRIVATE_USE || cp == 0xFFFD) {
                return String.format("contains a non-printable character U+%04X at position %d", cp,
                        s.codePointCount(0, i));
            }
            i += Character.charCount(cp);
        }
        if (s.isBlank()) return "must not be blank";
        return null;
    }
}
