package io.tidemark.config;

import java.nio.file.Path;

/**
 * HTTPS for the HTTP port: PEM files as nginx and Caddy take them. Both paths or neither; whether the files are
 * usable (present, readable, a key that matches the certificate) is checked at start-up, where they are read.
 *
 * @param certificate the server certificate followed by its chain (intermediates), PEM, relative to the working
 *     directory
 * @param key the certificate's private key, unencrypted PEM (PKCS#8, or PKCS#1 RSA, or SEC1 EC)
 */
public record TlsConfig(String certificate, String key) {
    public TlsConfig {
        if (certificate != null && certificate.isBlank()) certificate = null;
        if (key != null && key.isBlank()) key = null;
        if (certificate == null && key == null) {
            throw new InvalidConfigException("http.tls needs certificate and key (PEM files); remove the section to"
                    + " serve plain HTTP");
        }
        if (certificate == null) {
            throw new InvalidConfigException("http.tls.certificate is required with http.tls.key (a PEM file: the"
                    + " server certificate followed by its chain)");
        }
        if (key == null) {
            throw new InvalidConfigException("http.tls.key is required with http.tls.certificate (a PEM file: the"
                    + " certificate's private key)");
        }
    }

    public Path certificateFile() {
        return Path.of(certificate);
    }

    public Path keyFile() {
        return Path.of(key);
    }
}
