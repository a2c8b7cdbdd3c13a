package io.tidemark.http;

import io.javalin.http.Context;

/** A request served by a Javalin route. */
record JavalinExchange(Context ctx) implements Exchange {
    @Override
    public String method() {
        return ctx.method().name();
    }

    @Override
    public String path() {
        return ctx.path();
    }

    @Override
    public String header(String name) {
        return ctx.header(name);
    }

    @Override
    public String queryParam(String name) {
        return ctx.queryParam(name);
    }

    @Override
    public long contentLength() {
        return ctx.req().getContentLengthLong();
    }

    @Override
    public String ip() {
        return ctx.ip();
    }

    @Override
    public Object attribute(String name) {
        return ctx.attribute(name);
    }

    @Override
    public void attribute(String name, Object value) {
        ctx.attribute(name, value);
    }

    @Override
    public void header(String name, String value) {
        ctx.header(name, value);
    }

    @Override
    public void addHeader(String name, String value) {
        ctx.res().addHeader(name, value);
    }

    @Override
    public void send(int status, String contentType, byte[] body) {
        ctx.status(status).contentType(contentType).result(body);
    }
}
