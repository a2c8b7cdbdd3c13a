package io.tidemark.config;

import java.time.Duration;

/**
 * Where the HTTP server listens, and what one client may hold of it: a connection slot, buffered body bytes, time.
 * Bodies are read without a thread per request, so slow clients cost only these bounded resources. With {@code tls}
 * (null: plain HTTP) the port speaks HTTPS only.
 */
public record HttpConfig(
        String host,
        Integer port,
        Integer maxConnections,
        Duration idleTimeout,
        Duration bodyTimeout,
        Long maxBufferedBytes,
        TlsConfig tls) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(30);
    public static final long DEFAULT_MAX_BUFFERED_BYTES = 64L * 1024 * 1024;

    public HttpConfig {
        if (host == null || host.isBlank()) host = DEFAULT_HOST;
        // 0 asks the OS for a free port (tests use it).
        port = Check.range("http.port", port == null ? DEFAULT_PORT : port, 0, 65535);
        maxConnections = Check.range("http.max_connections",
                maxConnections == null ? DEFAULT_MAX_CONNECTIONS : maxConnections, 16, 1_000_000);
        idleTimeout = Check.positive("http.idle_timeout", idleTimeout == null ? DEFAULT_IDLE_TIMEOUT : idleTimeout);
        bodyTimeout = Check.positive("http.body_timeout", bodyTimeout == null ? DEFAULT_BODY_TIMEOUT : bodyTimeout);
        maxBufferedBytes = Check.range("http.max_buffered_bytes",
                maxBufferedBytes == null ? DEFAULT_MAX_BUFFERED_BYTES : maxBufferedBytes, 1024L, 1L << 40);
    }

    /** The defaults, listening on {@code host}:{@code port}. */
    public HttpConfig(String host, Integer port) {
        this(host, port, null, null, null, null, null);
    }

    public HttpConfig withPort(int newPort) {
        return new HttpConfig(host, newPort, maxConnections, idleTimeout, bodyTimeout, maxBufferedBytes, tls);
    }

    public HttpConfig withTls(TlsConfig newTls) {
        return new HttpConfig(host, port, maxConnections, idleTimeout, bodyTimeout, maxBufferedBytes, newTls);
    }
}
