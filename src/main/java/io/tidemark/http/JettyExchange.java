package io.tidemark.http;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * A request served by Jetty's own handler API, without the servlet layer (see {@link WriteHandler}): the request is
 * also the source its body is read from ({@link #source()}), and {@link #send} writes the whole answer at once and
 * ends the exchange. Only the first answer counts: one that comes after (a failure noticed late) is dropped.
 */
final class JettyExchange implements Exchange {
    /** Told when an exchange has answered: method, route (the path served) and status, for the request timers. */
    @FunctionalInterface
    interface Answered {
        void answered(JettyExchange exchange, int status, long nanos);
    }

    private final Request request;
    private final Response response;
    private final Callback callback;
    private final Answered answered;
    private final String path;
    private final long started = System.nanoTime();
    private final AtomicBoolean sent = new AtomicBoolean();
    private Fields query;

    JettyExchange(Request request, Response response, Callback callback, String path, Answered answered) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.path = path;
        this.answered = answered;
    }

    /** Where the body comes from, as Jetty hands it over. */
    Request source() {
        return request;
    }

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String header(String name) {
        return request.getHeaders().get(name);
    }

    @Override
    public String queryParam(String name) {
        if (query == null) query = Request.extractQueryParameters(request);
        return query.getValue(name);
    }

    @Override
    public long contentLength() {
        return request.getLength();
    }

    @Override
    public String ip() {
        return Request.getRemoteAddr(request);
    }

    @Override
    public Object attribute(String name) {
        return request.getAttribute(name);
    }

    @Override
    public void attribute(String name, Object value) {
        request.setAttribute(name, value);
    }

    @Override
    public void header(String name, String value) {
        response.getHeaders().put(name, value);
    }

    @Override
    public void addHeader(String name, String value) {
        response.getHeaders().add(name, value);
    }

    @Override
    public void send(int status, String contentType, byte[] body) {
        if (!sent.compareAndSet(false, true)) return;
        response.setStatus(status);
        if (body.length > 0) response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        // A 204 has no body, and says nothing of its length.
        if (status != 204) response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        answered.answered(this, status, System.nanoTime() - started);
        response.write(true, body.length == 0 ? null : ByteBuffer.wrap(body), callback);
    }
}
