package io.tidemark.ingest.format;

import java.util.List;

/**
 * A request's readings are not acceptable; nothing of the request was stored. Carries every problem found (bounded).
 */
public final class InvalidReadingsException extends RuntimeException {
    private final transient List<ReadingProblem> problems;
    private final int problemCount;

    InvalidReadingsException(String summary, List<ReadingProblem> problems, int problemCount) {
        super(summary);
        this.problems = List.copyOf(problems);
        this.problemCount = problemCount;
    }

    /** The first problems found, at most {@link ReadingProblems#MAX_REPORTED}. */
    public List<ReadingProblem> problems() {
        return problems;
    }

    /** How many problems were found in all, which may exceed {@code problems().size()}. */
    public int problemCount() {
        return problemCount;
    }
}
