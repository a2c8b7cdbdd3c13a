package io.tidemark.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for localhost and 127.0.0.1, made by {@code openssl} when the test runs (no key is
 * committed), with its key in the forms {@code openssl} writes. Tests are skipped, saying why, without openssl.
 */
public final class TestCertificate {
    private final Path folder;

    private TestCertificate(Path folder) {
        this.folder = folder;
    }

    /** A new RSA certificate and its PKCS#8 key in {@code folder}. */
    public static TestCertificate rsa(Path folder) {
        TestCertificate made = new TestCertificate(folder);
        made.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-keyout", "key.pem",
                "-out", "cert.pem", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        return made;
    }

    /** A new EC (P-256) certificate and its PKCS#8 key in {@code folder}. */
    public static TestCertificate ec(Path folder) {
        TestCertificate made = new TestCertificate(folder);
        made.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-days", "2", "-keyout", "key.pem", "-out", "cert.pem", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        return made;
    }

    public Path certificate() {
        return folder.resolve("cert.pem");
    }

    /** The key as PKCS#8 ({@code BEGIN PRIVATE KEY}). */
    public Path key() {
        return folder.resolve("key.pem");
    }

    /** The key in its traditional form: PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC1 ({@code BEGIN EC ...}). */
    public Path traditionalKey(String algorithm) {
        // openssl rsa writes PKCS#8 unless told otherwise; openssl ec writes SEC1 and knows no such flag.
        openssl(algorithm.equals("rsa") ? new String[] {"rsa", "-in", "key.pem", "-traditional", "-out",
            "traditional.pem"} : new String[] {"ec", "-in", "key.pem", "-out", "traditional.pem"});
        return folder.resolve("traditional.pem");
    }

    /** The key encrypted with a passphrase ({@code BEGIN ENCRYPTED PRIVATE KEY}). */
    public Path encryptedKey() {
        openssl("pkcs8", "-topk8", "-in", "key.pem", "-passout", "pass:test-passphrase", "-out", "encrypted.pem");
        return folder.resolve("encrypted.pem");
    }

    /** Another RSA key, which does not belong to the certificate. */
    public Path otherKey() {
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "other.pem");
        return folder.resolve("other.pem");
    }

    /** A client context that trusts this certificate alone. */
    public SSLContext trustingContext() {
        try (InputStream pem = new ByteArrayInputStream(Files.readAllBytes(certificate()))) {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("test", CertificateFactory.getInstance("X.509").generateCertificate(pem));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code command} can be started here (found on the PATH), whatever it answers to --version. */
    public static boolean onPath(String command) {
        try {
            Process process = new ProcessBuilder(command, "--version").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void openssl(String... arguments) {
        assumeTrue(onPath("openssl"), "openssl is not on the PATH: it makes the test certificate");
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
