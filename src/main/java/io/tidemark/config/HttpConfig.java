package io.tidemark.config;

/** Where the HTTP server listens. */
public record HttpConfig(String host, Integer port) {
    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 8080;

    public HttpConfig {
        if (host == null || host.isBlank()) host = DEFAULT_HOST;
        // 0 asks the OS for a free port (tests use it).
        port = Check.range("http.port", port == null ? DEFAULT_PORT : port, 0, 65535);
    }
}
