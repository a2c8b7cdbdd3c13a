package io.tidemark.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.config.TlsConfig;
import io.tidemark.testing.TestCertificate;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PEM files as openssl writes them, made by the test, read into a key store; unusable ones named with the reason. */
class PemKeyStoreTest {
    private static final char[] PASSWORD = "in-memory".toCharArray();

    @TempDir
    Path folder;

    @ParameterizedTest
    @ValueSource(strings = {"rsa", "ec"})
    void readsCertificateAndPkcs8Key(String algorithm) throws Exception {
        TestCertificate made = make(algorithm);
        KeyStore store = PemKeyStore.load(made.certificate(), made.key(), PASSWORD);
        assertThat(((X509Certificate) store.getCertificate(PemKeyStore.ALIAS)).getSubjectX500Principal().getName())
                .isEqualTo("CN=localhost");
        assertThat(((PrivateKey) store.getKey(PemKeyStore.ALIAS, PASSWORD)).getAlgorithm())
                .isEqualTo(algorithm.toUpperCase());
    }

    @ParameterizedTest
    @ValueSource(strings = {"rsa", "ec"})
    void readsTraditionalKeys(String algorithm) throws Exception {
        TestCertificate made = make(algorithm);
        Path traditional = made.traditionalKey(algorithm);
        assertThat(Files.readString(traditional)).startsWith("-----BEGIN " + algorithm.toUpperCase() + " PRIVATE KEY");
        // Loading checks that the key signs what the certificate verifies; the secret number is the PKCS#8 key's.
        PrivateKey read = (PrivateKey) PemKeyStore.load(made.certificate(), traditional, PASSWORD)
                .getKey(PemKeyStore.ALIAS, PASSWORD);
        PrivateKey pkcs8 = (PrivateKey) PemKeyStore.load(made.certificate(), made.key(), PASSWORD)
                .getKey(PemKeyStore.ALIAS, PASSWORD);
        assertThat(secret(read)).isEqualTo(secret(pkcs8));
    }

    @Test
    void keepsTheChainInFileOrder() throws Exception {
        TestCertificate server = TestCertificate.rsa(Files.createDirectory(folder.resolve("server")));
        TestCertificate other = TestCertificate.ec(Files.createDirectory(folder.resolve("other")));
        Path chain = folder.resolve("chain.pem");
        Files.writeString(chain, "leading text, as openssl's Bag Attributes\n" + Files.readString(server.certificate())
                + Files.readString(other.certificate()));
        KeyStore store = PemKeyStore.load(chain, server.key(), PASSWORD);
        assertThat(store.getCertificateChain(PemKeyStore.ALIAS)).hasSize(2);
    }

    @Test
    void keyOfAnotherCertificateIsRefusedNamingBothFiles() {
        TestCertificate made = TestCertificate.rsa(folder);
        Path other = made.otherKey();
        assertThatThrownBy(() -> PemKeyStore.load(made.certificate(), other, PASSWORD))
                .isInstanceOf(InvalidPemFileException.class)
                .hasMessage("the key " + other + " does not belong to the certificate " + made.certificate()
                        + " (CN=localhost)");
    }

    @Test
    void keyOfAnotherAlgorithmIsRefused() throws IOException {
        TestCertificate rsa = TestCertificate.rsa(Files.createDirectory(folder.resolve("rsa")));
        TestCertificate ec = TestCertificate.ec(Files.createDirectory(folder.resolve("ec")));
        assertThatThrownBy(() -> PemKeyStore.load(rsa.certificate(), ec.key(), PASSWORD))
                .hasMessageContaining("does not belong to the certificate");
    }

    @Test
    void encryptedKeyIsRefusedSayingHowToConvertIt() {
        TestCertificate made = TestCertificate.rsa(folder);
        Path encrypted = made.encryptedKey();
        assertThatThrownBy(() -> PemKeyStore.load(made.certificate(), encrypted, PASSWORD))
                .hasMessage("the key file " + encrypted + " is encrypted; Tidemark reads unencrypted keys only"
                        + " (keep the file readable by its user alone), convert it with: openssl pkcs8 -topk8"
                        + " -nocrypt -in KEY -out KEY.pk8");
    }

    @Test
    void encryptedTraditionalKeyIsRefusedToo() throws IOException {
        TestCertificate made = TestCertificate.rsa(folder);
        Path traditional = made.traditionalKey("rsa");
        Path encrypted = folder.resolve("encrypted-traditional.pem");
        String pem = Files.readString(traditional);
        Files.writeString(encrypted, pem.replace("-----\n", "-----\nProc-Type: 4,ENCRYPTED\n"
                + "DEK-Info: AES-128-CBC,0123456789ABCDEF0123456789ABCDEF\n\n"));
        assertThatThrownBy(() -> PemKeyStore.load(made.certificate(), encrypted, PASSWORD))
                .hasMessageContaining("is encrypted; Tidemark reads unencrypted keys only");
    }

    @Test
    void missingFileIsNamed() {
        TestCertificate made = TestCertificate.rsa(folder);
        Path missing = folder.resolve("nope.pem");
        assertThatThrownBy(() -> PemKeyStore.load(made.certificate(), missing, PASSWORD))
                .hasMessageStartingWith(missing + " does not exist");
        assertThatThrownBy(() -> PemKeyStore.load(missing, made.key(), PASSWORD))
                .hasMessageStartingWith(missing + " does not exist");
    }

    @Test
    void swappedFilesAreNamedWithWhatTheyLack() {
        TestCertificate made = TestCertificate.rsa(folder);
        assertThatThrownBy(() -> PemKeyStore.load(made.key(), made.certificate(), PASSWORD))
                .hasMessage("the certificate file " + made.key() + " holds no PEM certificate"
                        + " (-----BEGIN CERTIFICATE-----)");
        Path both = folder.resolve("both.pem");
        assertThatThrownBy(() -> {
            Files.writeString(both, Files.readString(made.certificate()));
            PemKeyStore.load(made.certificate(), both, PASSWORD);
        }).hasMessage("the key file " + both + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }

    @Test
    void messagesNeverShowTheKey() throws IOException {
        TestCertificate made = TestCertificate.rsa(folder);
        String pem = Files.readString(made.key());
        String base64Line = pem.lines().skip(1).findFirst().orElseThrow();
        Path damaged = folder.resolve("damaged.pem");
        Files.writeString(damaged, pem.replace(base64Line, base64Line.substring(0, 20) + base64Line.substring(24)));
        assertThatThrownBy(() -> PemKeyStore.load(made.certificate(), damaged, PASSWORD))
                .isInstanceOf(InvalidPemFileException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(base64Line.substring(0, 20)));
    }

    @Test
    void offersOnlyTls12And13() throws Exception {
        TestCertificate made = TestCertificate.rsa(folder);
        SslContextFactory.Server ssl = HttpsConnector.contextFactory(
                new TlsConfig(made.certificate().toString(), made.key().toString()));
        ssl.start();
        try {
            assertThat(ssl.getSelectedProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
        } finally {
            ssl.stop();
        }
    }

    private static BigInteger secret(PrivateKey key) {
        return key instanceof RSAPrivateKey rsa ? rsa.getPrivateExponent() : ((ECPrivateKey) key).getS();
    }

    private TestCertificate make(String algorithm) {
        return algorithm.equals("rsa") ? TestCertificate.rsa(folder) : TestCertificate.ec(folder);
    }
}
