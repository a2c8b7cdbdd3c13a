package io.tidemark.query;

/** One thing wrong with one query parameter of a request. */
public record ParameterProblem(String parameter, String message) {}
