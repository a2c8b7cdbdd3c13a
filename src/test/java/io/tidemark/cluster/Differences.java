package io.tidemark.cluster;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Says how two long lists differ, in a few lines rather than by printing both: where a sequence first parts from the
 * expected one, or which elements a multiset has too many or too few of.
 */
final class Differences {
    private static final int SHOWN = 10;

    private Differences() {}

    /** Null if {@code actual} equals {@code expected}, element by element; else where and how it first differs. */
    static <T> String ofSequence(List<T> expected, List<T> actual) {
        int n = Math.min(expected.size(), actual.size());
        for (int i = 0; i < n; i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                return "first difference at index " + i + " of " + expected.size() + " expected (" + actual.size()
                        + " actual):\n  expected " + around(expected, i) + "\n  actual   " + around(actual, i);
            }
        }
        if (expected.size() == actual.size()) return null;
        return expected.size() > actual.size()
                ? actual.size() + " elements match, then " + (expected.size() - actual.size()) + " are missing, from "
                        + around(expected, n)
                : expected.size() + " elements match, then " + (actual.size() - expected.size()) + " more, from "
                        + around(actual, n);
    }

    /** Null if both hold the same elements as often; else what one has more of than the other. */
    static <T> String ofMultiset(Collection<T> expected, Collection<T> actual) {
        Map<T, Integer> balance = new HashMap<>();
        for (T e : expected) balance.merge(e, 1, Integer::sum);
        for (T a : actual) balance.merge(a, -1, Integer::sum);
        StringJoiner missing = new StringJoiner("\n    ");
        StringJoiner extra = new StringJoiner("\n    ");
        int missingCount = 0;
        int extraCount = 0;
        for (Map.Entry<T, Integer> e : balance.entrySet()) {
            if (e.getValue() > 0) {
                if (missingCount++ < SHOWN) missing.add(e.getValue() + " x " + e.getKey());
            } else if (e.getValue() < 0) {
                if (extraCount++ < SHOWN) extra.add(-e.getValue() + " x " + e.getKey());
            }
        }
        if (missingCount == 0 && extraCount == 0) return null;
        return expected.size() + " expected, " + actual.size() + " actual; " + missingCount
                + " distinct elements missing:\n    " + missing + "\n  " + extraCount
                + " distinct elements extra:\n    " + extra;
    }

    private static <T> String around(List<T> list, int index) {
        int from = Math.max(0, index - 2);
        int to = Math.min(list.size(), index + 3);
        return "[" + from + ".." + to + ") " + list.subList(from, to);
    }
}
