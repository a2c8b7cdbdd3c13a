package io.tidemark.http;

import io.tidemark.config.InvalidConfigException;
import io.tidemark.config.TlsConfig;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS connector of {@code http.tls}: TLS 1.2 and 1.3 only, HTTP/1.1 inside. A plain-HTTP request on this port is
 * not served: Jetty closes the connection (or answers 400) instead.
 */
final class HttpsConnector {
    /** Offered in this order of preference; older protocols are refused, whatever the JDK would still allow. */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final Logger log = LoggerFactory.getLogger(HttpsConnector.class);

    private HttpsConnector() {}

    /**
     * Reads the PEM files of {@code tls} into a key store held only in memory.
     *
     * @throws InvalidConfigException naming the file and what is wrong with it
     */
    static KeyStore keyStore(TlsConfig tls, char[] password) {
        try {
            return PemKeyStore.load(tls.certificateFile(), tls.keyFile(), password);
        } catch (InvalidPemFileException e) {
            throw new InvalidConfigException("http.tls: " + e.getMessage(), e);
        }
    }

    static SslContextFactory.Server contextFactory(TlsConfig tls) {
        // The store never leaves memory; its password only satisfies the KeyStore API.
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String password = Base64.getEncoder().encodeToString(random);
        KeyStore store = keyStore(tls, password.toCharArray());
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(store);
        ssl.setKeyStorePassword(password);
        ssl.setKeyManagerPassword(password);
        ssl.setIncludeProtocols(PROTOCOLS);
        try {
            X509Certificate certificate = (X509Certificate) store.getCertificate(PemKeyStore.ALIAS);
            log.info("HTTPS with {} (subject {}, valid until {})", tls.certificate(),
                    certificate.getSubjectX500Principal().getName(), certificate.getNotAfter().toInstant());
        } catch (KeyStoreException e) {
            throw new IllegalStateException(e);
        }
        return ssl;
    }

    /** A connector on {@code http}'s settings, speaking TLS first. */
    static ServerConnector create(Server server, HttpConfiguration http, TlsConfig tls) {
        HttpConfiguration https = new HttpConfiguration(http);
        // One certificate, so nothing to choose by SNI; checking the Host against it is the client's job, and a
        // mismatch here would answer 400 to clients that reach the server by another name or address.
        https.addCustomizer(new SecureRequestCustomizer(false));
        return new ServerConnector(server, new SslConnectionFactory(contextFactory(tls),
                HttpVersion.HTTP_1_1.asString()), new HttpConnectionFactory(https));
    }
}
