package io.tidemark.config;

import java.util.Collection;
import java.util.Optional;

/**
 * "Did you mean ...?" for misspelt keys in config and job files: the closest known key within a small edit distance.
 */
public final class Suggestions {
    private static final int MAX_DISTANCE = 2;

    private Suggestions() {}

    /** The known key closest to {@code typo}, if any is within two edits. */
    public static Optional<String> closest(String typo, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = editDistance(candidate, typo);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return bestDistance <= MAX_DISTANCE ? Optional.of(best) : Optional.empty();
    }

    /** " (did you mean 'x'?)", or "" when nothing is close. */
    public static String didYouMean(String typo, Collection<String> known) {
        return closest(typo, known).map(k -> " (did you mean '" + k + "'?)").orElse("");
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
