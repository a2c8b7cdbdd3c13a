package io.tidemark.influx;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.testing.TestServer;
import io.tidemark.testing.TidemarkClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** Requests to Tidemark's InfluxDB endpoints as InfluxDB clients send them, and what a user then sees stored. */
final class InfluxHttp {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final TestServer server;

    InfluxHttp(TestServer server) {
        this.server = server;
    }

    /** POSTs {@code body} to {@code pathAndQuery}, with headers as name, value pairs. */
    HttpResponse<String> post(String pathAndQuery, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(pathAndQuery)).timeout(TIMEOUT)
                .POST(BodyPublishers.ofByteArray(body));
        if (headers.length > 0) request.headers(headers);
        return server.send(request.build());
    }

    HttpResponse<String> post(String pathAndQuery, String body, String... headers) {
        return post(pathAndQuery, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    HttpResponse<String> send(String method, String pathAndQuery, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(pathAndQuery)).timeout(TIMEOUT)
                .method(method, BodyPublishers.noBody());
        if (headers.length > 0) request.headers(headers);
        return server.send(request.build());
    }

    /** Asserts the answer is 204 (what Telegraf counts as success) and returns it. */
    static HttpResponse<String> written(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as("answer: %s", answer.body()).isEqualTo(204);
        assertThat(answer.headers().firstValue("X-Influxdb-Version")).isPresent();
        return answer;
    }

    /** Asserts an InfluxDB 1.x error: JSON {"error": ...}, X-Influxdb-Error, the version headers; returns the error. */
    static String v1Error(HttpResponse<String> answer, int status) {
        assertThat(answer.statusCode()).as("answer: %s", answer.body()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/json"));
        assertThat(answer.headers().firstValue("X-Influxdb-Version")).isPresent();
        assertThat(answer.headers().firstValue("X-Influxdb-Build")).isPresent();
        JsonNode json = TidemarkClient.json(answer);
        String error = json.path("error").asText();
        assertThat(error).isNotEmpty();
        assertThat(answer.headers().firstValue("X-Influxdb-Error")).as("X-Influxdb-Error")
                .hasValueSatisfying(h -> assertThat(error.replaceAll("[^\\x20-\\x7e]", "?")).startsWith(h));
        return error;
    }

    /** Asserts an InfluxDB 2.x error: JSON {"code", "message"}, X-Platform-Error-Code; returns the message. */
    static String v2Error(HttpResponse<String> answer, int status, String code) {
        assertThat(answer.statusCode()).as("answer: %s", answer.body()).isEqualTo(status);
        assertThat(answer.headers().firstValue("X-Influxdb-Version")).isPresent();
        assertThat(answer.headers().firstValue("X-Platform-Error-Code")).hasValue(code);
        JsonNode json = TidemarkClient.json(answer);
        assertThat(json.path("code").asText()).isEqualTo(code);
        assertThat(json.has("error")).as("2.x says message, not error").isFalse();
        return json.path("message").asText();
    }

    /** The rows of readings_v of database {@code db}: sensor, metric, tags (JSON), ts (epoch µs), value. */
    List<List<String>> rows(String db) {
        return server.database().queryRows("SELECT sensor, metric, tags::text,"
                + " (extract(epoch FROM ts) * 1000000)::bigint, value FROM readings_v WHERE tags->>'db' = '"
                + db.replace("'", "''") + "' ORDER BY sensor, metric, tags::text, ts");
    }

    long count(String db) {
        return server.queryLong("SELECT count(*) FROM readings_v WHERE tags->>'db' = '" + db.replace("'", "''") + "'");
    }
}
