package io.tidemark.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.tidemark.ingest.ReadingProblem;
import java.util.List;

/** The JSON body of every error answer: what went wrong, and for invalid readings, each problem and where. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ErrorBody(String error, List<ReadingProblem> details, @JsonProperty("problem_count") Integer problemCount) {
    ErrorBody(String error) {
        this(error, null, null);
    }
}
