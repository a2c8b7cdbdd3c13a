package io.tidemark.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The JSON body of every error answer: what went wrong, and for invalid readings or query parameters, each problem
 * and where ({@code ReadingProblem} or {@code ParameterProblem}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ErrorBody(String error, List<?> details, @JsonProperty("problem_count") Integer problemCount) {
    ErrorBody(String error) {
        this(error, null, null);
    }
}
