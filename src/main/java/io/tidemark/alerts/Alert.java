package io.tidemark.alerts;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.tidemark.names.Tags;
import java.time.Instant;
import java.util.UUID;

/**
 * One alert as clients see it, in {@code GET /api/v1/alerts}, on the stream and in webhook bodies: which rule fired
 * on which series, the reading that fired it ({@code ts}, {@code value}), and, once resolved, when and why.
 * {@code resolvedTs} and {@code resolvedValue} are the reading that cleared the condition, if that is how it resolved.
 */
@JsonPropertyOrder({"id", "state", "rule", "sensor", "metric", "tags", "severity", "message", "ts", "value", "fired_at",
        "resolved_at", "resolution", "resolved_ts", "resolved_value"})
public record Alert(
        UUID id,
        String rule,
        @JsonIgnore int seriesId,
        String sensor,
        String metric,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Tags tags,
        String severity,
        String message,
        Instant ts,
        double value,
        @JsonProperty("fired_at") Instant firedAt,
        @JsonProperty("resolved_at") Instant resolvedAt,
        String resolution,
        @JsonProperty("resolved_ts") Instant resolvedTs,
        @JsonProperty("resolved_value") Double resolvedValue) {

    static final String CLEARED = "cleared";
    static final String RULE_REMOVED = "rule_removed";

    @JsonProperty("state")
    public String state() {
        return resolvedAt == null ? "open" : "resolved";
    }
}
