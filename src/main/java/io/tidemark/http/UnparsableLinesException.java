package io.tidemark.http;

import io.tidemark.ingest.format.ReadingProblem;
import java.util.List;

/**
 * A line protocol body with bad lines, told as InfluxDB tells it ({@code unable to parse '<line>': <why>}, which
 * Telegraf reads as "drop this batch", not "retry it"), with every problem as Tidemark lists it. Nothing was stored.
 */
final class UnparsableLinesException extends RuntimeException {
    private final transient List<ReadingProblem> problems;
    private final int problemCount;

    UnparsableLinesException(String message, List<ReadingProblem> problems, int problemCount) {
        super(message);
        this.problems = problems;
        this.problemCount = problemCount;
    }

    List<ReadingProblem> problems() {
        return problems;
    }

    int problemCount() {
        return problemCount;
    }
}
