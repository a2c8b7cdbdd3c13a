package io.tidemark.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tidemark.config.InvalidConfigException;
import io.tidemark.testing.TestCertificate;
import io.tidemark.testing.TestServer;
import io.tidemark.testing.TidemarkClient;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server with {@code http.tls}, talked to over HTTPS by real clients (java.net.http, curl) that trust the
 * certificate the test made; start-up refuses unusable key files, naming them.
 */
@Timeout(300)
class HttpsIT {
    @TempDir
    static Path folder;
    private static TestCertificate certificate;
    private static TestServer server;
    private static TidemarkClient https;

    @BeforeAll
    static void start() {
        certificate = TestCertificate.rsa(folder);
        server = TestServer.start(tls(certificate.certificate(), certificate.key()));
        https = client();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test
    void servesWritesReadsAndHealthOverHttps() {
        Instant ts = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        https.postReading("tls-1", "level", ts, 2.5);
        HttpResponse<String> read = https.get("/api/v1/readings?sensor=tls-1&metric=level&from=" + ts
                + "&to=" + ts.plusSeconds(1));
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        assertThat(TidemarkClient.json(read).get("readings").get(0).get("value").asDouble()).isEqualTo(2.5);
        assertThat(read.sslSession()).hasValueSatisfying(session ->
                assertThat(session.getProtocol()).isIn("TLSv1.3", "TLSv1.2"));
        HttpResponse<String> health = https.get("/health");
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        assertThat(server.database().readings("tls-1")).hasSize(1);
    }

    @Test
    void acceptsTls12() {
        HttpResponse<String> health = client("TLSv1.2").get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.sslSession().orElseThrow().getProtocol()).isEqualTo("TLSv1.2");
    }

    @Test
    void curlTrustingTheCertificateGetsHealth() throws Exception {
        assumeTrue(TestCertificate.onPath("curl"), "curl is not on the PATH");
        Process curl = new ProcessBuilder("curl", "-sS", "--cacert", certificate.certificate().toString(),
                "-o", "/dev/null", "-w", "%{http_code} %{scheme}", base() + "/health").redirectErrorStream(true)
                .start();
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output).isEqualToIgnoringCase("200 https");
    }

    @Test
    void clientThatDoesNotTrustTheCertificateIsRefused() {
        TidemarkClient untrusting = new TidemarkClient(base(), TidemarkClient.builder().build());
        assertThatThrownBy(() -> untrusting.get("/health")).isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void plainHttpOnTheTlsPortGetsATlsAlertAndIsClosed() {
        String answer;
        try {
            answer = server.api().sendRaw("GET /health HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII), new byte[0]);
        } catch (UncheckedIOException e) {
            answer = "connection failed: " + e.getCause();
        }
        // A TLS record of content type 21 (alert), then the end of the connection: no HTTP answer at all.
        assertThat(answer).startsWith("\u0015\u0003").doesNotContain("HTTP/");
    }

    @Test
    void missingKeyFileFailsStartUpNamingIt() {
        Path missing = folder.resolve("missing-key.pem");
        assertThatThrownBy(() -> TestServer.start(tls(certificate.certificate(), missing)))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("http.tls: " + missing + " does not exist");
    }

    @Test
    void keyOfAnotherCertificateFailsStartUpNamingBothFiles() {
        Path other = certificate.otherKey();
        assertThatThrownBy(() -> TestServer.start(tls(certificate.certificate(), other)))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("http.tls: the key " + other + " does not belong to the certificate "
                        + certificate.certificate() + " (CN=localhost)");
    }

    private static String tls(Path certificateFile, Path keyFile) {
        return "http:\n  tls:\n    certificate: " + certificateFile + "\n    key: " + keyFile + "\n";
    }

    private static String base() {
        return "https://127.0.0.1:" + server.app().port();
    }

    /** A client trusting the test's certificate, offering {@code protocols} (none: the JDK's defaults). */
    private static TidemarkClient client(String... protocols) {
        SSLParameters parameters = certificate.trustingContext().getDefaultSSLParameters();
        if (protocols.length > 0) parameters.setProtocols(protocols);
        return new TidemarkClient(base(), TidemarkClient.builder().sslContext(certificate.trustingContext())
                .sslParameters(parameters).build());
    }
}
