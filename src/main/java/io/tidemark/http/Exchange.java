package io.tidemark.http;

/**
 * One request and its answer, as the code that is not a route sees them: access control, credentials and the error
 * answers. Two server layers carry requests: Javalin for most routes ({@link JavalinExchange}) and, for the write
 * routes, Jetty itself without the servlet layer ({@link JettyExchange}, see {@link WriteHandler}).
 */
interface Exchange {
    String method();

    /** The path asked, without the query. */
    String path();

    /** The first value of a request header, or null. */
    String header(String name);

    /** The first value of a query parameter, or null. */
    String queryParam(String name);

    /** The announced body length, -1 when not announced (chunked, or no body). */
    long contentLength();

    /** The client's address, as failed logins are counted by. */
    String ip();

    Object attribute(String name);

    void attribute(String name, Object value);

    /** Sets an answer header, replacing any of that name. */
    void header(String name, String value);

    /** Adds an answer header beside any of that name (WWW-Authenticate's challenges). */
    void addHeader(String name, String value);

    /** Answers {@code status} with {@code body} of {@code contentType}; an empty body for none. */
    void send(int status, String contentType, byte[] body);

    default String contentType() {
        return header("Content-Type");
    }
}
