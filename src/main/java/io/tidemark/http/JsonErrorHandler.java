package io.tidemark.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers (a request it cannot parse, headers too large, a failure outside the routes) in the one
 * JSON shape of {@link ErrorBody} (InfluxDB's on its paths, see {@link ErrorDialect}), instead of Jetty's HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/json";

    /** Requests Jetty could not parse, answered before any handler sees them. */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
        return ByteBuffer.wrap(body(status, reason));
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
        ErrorDialect dialect = ErrorDialect.of(Request.getPathInContext(request));
        ErrorBody body = new ErrorBody(error(code, message));
        dialect.headers(code, body.error()).forEach(response.getHeaders()::put);
        response.write(true, ByteBuffer.wrap(dialect.bytes(code, body)), callback);
    }

    private static byte[] body(int status, String reason) {
        try {
            return JSON.writeValueAsBytes(new ErrorBody(error(status, reason)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an error body always serializes", e);
        }
    }

    private static String error(int status, String reason) {
        String what = HttpStatus.getMessage(status);
        return reason == null || reason.isBlank() || reason.equals(what) ? what : what + ": " + reason;
    }
}
