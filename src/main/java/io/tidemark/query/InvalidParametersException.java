package io.tidemark.query;

import java.util.List;
import java.util.stream.Collectors;

/** A query's parameters are wrong; lists every problem, each naming its parameter. Answered 400. */
public final class InvalidParametersException extends RuntimeException {
    private final List<ParameterProblem> problems;

    InvalidParametersException(List<ParameterProblem> problems) {
        super(problems.stream().map(p -> p.parameter() + ": " + p.message()).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public List<ParameterProblem> problems() {
        return problems;
    }
}
