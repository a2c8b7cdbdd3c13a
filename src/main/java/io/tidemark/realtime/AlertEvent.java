package io.tidemark.realtime;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/** A rule fired or resolved on a series: what is stored, streamed (event {@code alert}) and POSTed to the webhook. */
record AlertEvent(@JsonProperty("event") Kind kind, @JsonUnwrapped Alert alert) {
    enum Kind {
        @JsonProperty("fired") FIRED,
        @JsonProperty("resolved") RESOLVED
    }
}
