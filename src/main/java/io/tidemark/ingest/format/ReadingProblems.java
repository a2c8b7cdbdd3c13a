package io.tidemark.ingest.format;

import java.util.ArrayList;
import java.util.List;

/**
 * The problems of one request body, collected while it is parsed so that the client hears of all of them at once:
 * the first {@link #MAX_REPORTED} are kept, every one is counted. Not thread-safe; one per request.
 */
final class ReadingProblems {
    static final int MAX_REPORTED = 100;

    private final List<ReadingProblem> reported = new ArrayList<>();
    private int count;

    /**
     * @param index the reading's position in the body, from 0
     * @param line the body's line, from 1, or null where unknown
     * @param field the field at fault, or null for the reading as a whole
     */
    void add(int index, Integer line, String field, String message) {
        count++;
        if (reported.size() < MAX_REPORTED) reported.add(new ReadingProblem(index, line, field, message));
    }

    int count() {
        return count;
    }

    /** @throws InvalidReadingsException with every problem, if there is any */
    void throwIfAny() {
        if (count == 0) return;
        throw new InvalidReadingsException(count + (count == 1 ? " problem" : " problems")
                + " in the request; nothing was stored", reported, count);
    }
}
