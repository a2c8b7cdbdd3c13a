package io.tidemark.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;

/**
 * The shape of an error answer, by path: Tidemark's own {@link ErrorBody}, InfluxDB 1.x's ({@code {"error": ...}}
 * and {@code X-Influxdb-Error}) or InfluxDB 2.x's ({@code {"code": "invalid", "message": ...}} and
 * {@code X-Platform-Error-Code}). The status is decided once, in {@link ErrorResponses}; only the rendering differs.
 * Telegraf and the InfluxDB clients read these bodies: Telegraf retries a non-JSON body forever, and drops a batch
 * whose error says "unable to parse".
 */
enum ErrorDialect {
    TIDEMARK, INFLUX_V1, INFLUX_V2;

    /** InfluxDB cuts its error header at this many characters. */
    private static final int MAX_HEADER_CHARS = 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** InfluxDB 2.x's error codes (influxdb kit/platform/errors) by status; others by their class, see code(). */
    private static final Map<Integer, String> CODES = Map.ofEntries(Map.entry(400, "invalid"),
            Map.entry(401, "unauthorized"), Map.entry(403, "forbidden"), Map.entry(404, "not found"),
            Map.entry(405, "method not allowed"), Map.entry(409, "conflict"), Map.entry(413, "request too large"),
            Map.entry(415, "unsupported media type"), Map.entry(422, "unprocessable entity"),
            Map.entry(429, "too many requests"), Map.entry(503, "unavailable"));

    /** InfluxDB 2.x's error body, with Tidemark's problem list beside the message where there is one. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record PlatformError(String code, String message, List<?> details,
            @JsonProperty("problem_count") Integer problemCount) {}

    static ErrorDialect of(String path) {
        if (InfluxProtocol.isV1(path)) return INFLUX_V1;
        if (InfluxProtocol.isV2(path)) return INFLUX_V2;
        return TIDEMARK;
    }

    /** Answers {@code status} with {@code body} in this dialect. */
    void send(Exchange exchange, int status, ErrorBody body) {
        headers(status, body.error()).forEach(exchange::header);
        exchange.send(status, "application/json", bytes(status, body));
    }

    /** The headers of an error answer in this dialect; none for Tidemark's own. */
    Map<String, String> headers(int status, String message) {
        return switch (this) {
            case TIDEMARK -> Map.of();
            case INFLUX_V1 -> Map.of("X-Influxdb-Version", InfluxProtocol.VERSION,
                    "X-Influxdb-Build", InfluxProtocol.BUILD, "X-Influxdb-Error", headerText(message));
            case INFLUX_V2 -> Map.of("X-Influxdb-Version", InfluxProtocol.VERSION,
                    "X-Influxdb-Build", InfluxProtocol.BUILD, "X-Platform-Error-Code", code(status));
        };
    }

    /** The JSON body of an error answer in this dialect. */
    byte[] bytes(int status, ErrorBody body) {
        Object shaped = this == INFLUX_V2
                ? new PlatformError(code(status), body.error(), body.details(), body.problemCount()) : body;
        try {
            return JSON.writeValueAsBytes(shaped);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an error body always serializes", e);
        }
    }

    /** The message as a header value: its first 1024 characters, each outside visible ASCII (a newline...) a '?'. */
    private static String headerText(String message) {
        String text = message.length() > MAX_HEADER_CHARS ? message.substring(0, MAX_HEADER_CHARS) : message;
        return text.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static String code(int status) {
        String code = CODES.get(status);
        if (code != null) return code;
        return status >= 500 ? "internal error" : "invalid";
    }
}
