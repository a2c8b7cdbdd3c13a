package io.tidemark.time;

/**
 * Parses RFC 3339 timestamps ({@code 2026-11-24T10:00:00.123Z}, {@code 2026-11-24 10:00:00+01:00}) to epoch
 * microseconds without allocating.
 *
 * <p>Hand-written because {@code DateTimeFormatter} costs more than the rest of a reading's parsing on the ingest hot
 * path. The fraction may have any number of digits; it is rounded to the nearest microsecond, a tie to the even one,
 * which is what PostgreSQL does with the same text ({@code rint} of the fraction in microseconds): {@code .0000005}
 * is {@code .000000}, {@code .0000015} and {@code .0000025} are {@code .000002}, {@code .00000250001} is
 * {@code .000003}, {@code .9999995} is the next second. Leap seconds are rejected. Years are 0000 to 9999, as RFC 3339
 * writes them; callers check {@link EpochMicros#inRange} for what Tidemark accepts.
 */
public final class Rfc3339 {
    /** Returned when the text is not a valid RFC 3339 timestamp. */
    public static final long INVALID = Long.MIN_VALUE;

    private Rfc3339() {}

    /** {@code s} in epoch microseconds, or {@link #INVALID}. */
    public static long parseMicros(String s) {
        int n = s.length();
        if (n < 20) return INVALID;
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return INVALID;
        }
        char t = s.charAt(10);
        if (t != 'T' && t != 't' && t != ' ') return INVALID;
        if (day > daysInMonth(year, month)) return INVALID;

        int i = 19;
        long fractionMicros = 0;
        if (s.charAt(i) == '.') {
            int start = ++i;
            int roundingDigit = 0; // the seventh
            boolean beyondRoundingDigit = false; // a non-zero digit after the seventh: the fraction is past a tie
            for (; i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9'; i++) {
                int digit = s.charAt(i) - '0';
                int position = i - start;
                if (position < 6) {
                    fractionMicros = fractionMicros * 10 + digit;
                } else if (position == 6) {
                    roundingDigit = digit;
                } else {
                    beyondRoundingDigit |= digit != 0;
                }
            }
            if (i == start || i >= n) return INVALID;
            for (int missing = 6 - (i - start); missing > 0; missing--) fractionMicros *= 10;
            if (roundingDigit > 5 || roundingDigit == 5 && (beyondRoundingDigit || (fractionMicros & 1) == 1)) {
                fractionMicros++; // may reach 1_000_000: the next second, which the sum below carries
            }
        }
        long offsetSeconds;
        char z = s.charAt(i);
        if ((z == 'Z' || z == 'z') && i + 1 == n) {
            offsetSeconds = 0;
        } else if ((z == '+' || z == '-') && i + 6 == n && s.charAt(i + 3) == ':') {
            int oh = digits(s, i + 1, 2);
            int om = digits(s, i + 4, 2);
            if (oh < 0 || oh > 23 || om < 0 || om > 59) return INVALID;
            offsetSeconds = (oh * 3600L + om * 60L) * (z == '-' ? -1 : 1);
        } else {
            return INVALID;
        }
        long epochSeconds = daysFromCivil(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second
                - offsetSeconds;
        return epochSeconds * 1_000_000L + fractionMicros;
    }

    private static int digits(String s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return -1;
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static int daysInMonth(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
    private static long daysFromCivil(int y, int m, int d) {
        y -= m <= 2 ? 1 : 0;
        long era = Math.floorDiv(y, 400);
        long yoe = y - era * 400;
        long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }
}
