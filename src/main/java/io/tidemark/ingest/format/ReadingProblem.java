package io.tidemark.ingest.format;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One thing wrong with one reading of a request: which reading ({@code index} from 0, and the 1-based {@code line} of
 * the body where known), which field, and what is wrong.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReadingProblem(int index, Integer line, String field, String message) {}
