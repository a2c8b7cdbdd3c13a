package io.tidemark.feed;

/**
 * Where a consumer stands in the feed: after event {@code index} (0-based) of the feed row at {@code row}. Written
 * {@code ROW.INDEX}, as SSE ids and feed cursors are; {@code ROW} alone means after the whole row. Events of a row
 * are counted before any filter, so a position means the same for every consumer.
 */
public record FeedPosition(long row, int index) implements Comparable<FeedPosition> {
    /** Index meaning "the whole row": a consumer at (row, WHOLE_ROW) continues with the next row. */
    public static final int WHOLE_ROW = Integer.MAX_VALUE;
    /** Before every row (positions start at 1). */
    public static final FeedPosition START = new FeedPosition(0, WHOLE_ROW);

    public FeedPosition {
        if (row < 0 || index < 0) throw new IllegalArgumentException("row and index must not be negative");
    }

    /** After the whole of {@code row}. */
    public static FeedPosition afterRow(long row) {
        return new FeedPosition(row, WHOLE_ROW);
    }

    /**
     * Parses {@code ROW} or {@code ROW.INDEX} (non-negative decimal numbers).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static FeedPosition parse(String text) {
        int dot = text.indexOf('.');
        String row = dot < 0 ? text : text.substring(0, dot);
        String index = dot < 0 ? null : text.substring(dot + 1);
        if (!digits(row, 18) || index != null && !digits(index, 9)) {
            throw new IllegalArgumentException("a feed position is ROW or ROW.INDEX (whole numbers, e.g. 1234.17 from"
                    + " an event id), got '" + text + "'");
        }
        return new FeedPosition(Long.parseLong(row), index == null ? WHOLE_ROW : Integer.parseInt(index));
    }

    private static boolean digits(String s, int maxLength) {
        if (s.isEmpty() || s.length() > maxLength) return false;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        }
        return true;
    }

    /** Whether the event at {@code index} of {@code row} comes after this position. */
    public boolean precedes(long row, int index) {
        return row > this.row || row == this.row && this.index != WHOLE_ROW && index > this.index;
    }

    /** The first event of {@code row} after this position: past {@code index} in its own row, else 0. */
    public int firstIndexIn(long row) {
        return row == this.row && index != WHOLE_ROW ? index + 1 : 0;
    }

    @Override
    public int compareTo(FeedPosition o) {
        int c = Long.compare(row, o.row);
        return c != 0 ? c : Integer.compare(index, o.index);
    }

    @Override
    public String toString() {
        return index == WHOLE_ROW ? Long.toString(row) : row + "." + index;
    }
}
