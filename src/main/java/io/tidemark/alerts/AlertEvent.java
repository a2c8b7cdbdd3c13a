package io.tidemark.alerts;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.Locale;

/** A rule fired or resolved on a series: what is stored, streamed (event {@code alert}) and POSTed to the webhook. */
public record AlertEvent(@JsonProperty("event") Kind kind, @JsonUnwrapped Alert alert) {
    /** Times as RFC 3339 strings, as in HTTP answers. */
    private static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    public enum Kind {
        @JsonProperty("fired") FIRED,
        @JsonProperty("resolved") RESOLVED
    }

    /** This event as JSON: the body POSTed to the webhook and the data of the stream's {@code alert} event. */
    public String toJson() {
        try {
            return MAPPER.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("alert events always serialize", e);
        }
    }

    /** For log lines: kind, id, rule and series. */
    String describe() {
        return kind.name().toLowerCase(Locale.ROOT) + " alert " + alert.id() + " of rule " + alert.rule() + " on "
                + alert.sensor() + "/" + alert.metric();
    }
}
