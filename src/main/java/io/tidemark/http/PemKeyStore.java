package io.tidemark.http;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A key store built in memory from PEM files, with the JDK alone: a certificate file (the server certificate followed
 * by its chain) and its unencrypted private key (PKCS#8, PKCS#1 RSA or SEC1 EC). Failures name the file and what is
 * wrong with it, never the key's content.
 */
final class PemKeyStore {
    static final String ALIAS = "tidemark";
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----",
            Pattern.DOTALL);
    private static final String CONVERT = "convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8";
    /** DER of the AlgorithmIdentifier {rsaEncryption, NULL}, to wrap a PKCS#1 key in PKCS#8. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
        (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    /** DER of the OID id-ecPublicKey; its AlgorithmIdentifier also holds the curve. */
    private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    private PemKeyStore() {}

    /** The store, holding one entry ({@link #ALIAS}) protected by {@code password}. */
    static KeyStore load(Path certificateFile, Path keyFile, char[] password) {
        List<X509Certificate> chain = certificates(certificateFile);
        PrivateKey key = privateKey(keyFile);
        if (!matches(chain.get(0), key)) {
            throw new InvalidPemFileException("the key " + keyFile + " does not belong to the certificate "
                    + certificateFile + " (" + chain.get(0).getSubjectX500Principal().getName() + ")");
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key, password, chain.toArray(new Certificate[0]));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a key store in memory: " + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> certificates(Path file) {
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Matcher block = BLOCK.matcher(read(file)); block.find(); ) {
                if (!block.group(1).equals("CERTIFICATE")) continue;
                byte[] der = decode(file, block.group(2));
                chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (CertificateException e) {
            throw new InvalidPemFileException("the certificate file " + file + " holds a certificate that cannot be"
                    + " read: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new InvalidPemFileException("the certificate file " + file + " holds no PEM certificate"
                    + " (-----BEGIN CERTIFICATE-----)");
        }
        return chain;
    }

    private static PrivateKey privateKey(Path file) {
        for (Matcher block = BLOCK.matcher(read(file)); block.find(); ) {
            String type = block.group(1);
            // PKCS#8 encrypted, or a traditional key with the header openssl writes when it encrypts one.
            if (type.equals("ENCRYPTED PRIVATE KEY") || type.endsWith("PRIVATE KEY")
                    && block.group(2).contains("Proc-Type: 4,ENCRYPTED")) {
                throw new InvalidPemFileException("the key file " + file + " is encrypted; Tidemark reads"
                        + " unencrypted keys only (keep the file readable by its user alone), " + CONVERT);
            }
            switch (type) {
                case "PRIVATE KEY": return pkcs8(file, decode(file, block.group(2)));
                case "RSA PRIVATE KEY": return pkcs8(file, wrap(RSA_ALGORITHM, decode(file, block.group(2))));
                case "EC PRIVATE KEY": return pkcs8(file, wrapEc(file, decode(file, block.group(2))));
                default: // a certificate or parameters beside the key: skip
            }
        }
        throw new InvalidPemFileException("the key file " + file + " holds no PEM private key"
                + " (-----BEGIN PRIVATE KEY-----)");
    }

    private static PrivateKey pkcs8(Path file, byte[] der) {
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException e) {
                // not this algorithm: try the next
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK lacks " + algorithm + " keys: " + e.getMessage(), e);
            }
        }
        throw new InvalidPemFileException("the key file " + file + " holds a private key that is neither RSA nor"
                + " EC, or is damaged");
    }

    /** Whether {@code key} signs what the certificate's public key verifies. */
    private static boolean matches(X509Certificate certificate, PrivateKey key) {
        byte[] probe = "tidemark".getBytes(StandardCharsets.US_ASCII);
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // a key of another algorithm than the certificate's
        }
    }

    /**
     * PKCS#8 of a SEC1 key: its curve, the {@code [0]} field of ECPrivateKey, goes into the AlgorithmIdentifier.
     */
    private static byte[] wrapEc(Path file, byte[] sec1) {
        int at = headerLength(sec1, 0);
        while (at < sec1.length) {
            int length = contentLength(sec1, at);
            int header = headerLength(sec1, at);
            if ((sec1[at] & 0xff) == 0xa0) {
                ByteArrayOutputStream algorithm = new ByteArrayOutputStream();
                algorithm.writeBytes(EC_PUBLIC_KEY);
                algorithm.write(sec1, at + header, length);
                return wrap(der(0x30, algorithm.toByteArray()), sec1);
            }
            at += header + length;
        }
        throw new InvalidPemFileException("the EC key file " + file + " does not name its curve; " + CONVERT);
    }

    /** PrivateKeyInfo {version 0, algorithm, OCTET STRING key}. */
    private static byte[] wrap(byte[] algorithm, byte[] key) {
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        info.writeBytes(new byte[] {0x02, 0x01, 0x00});
        info.writeBytes(algorithm);
        info.writeBytes(der(0x04, key));
        return der(0x30, info.toByteArray());
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = length < 0x100 ? 1 : length < 0x10000 ? 2 : 3;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) out.write(length >>> (8 * i));
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    /** Bytes of tag and length of the DER element at {@code at}; a malformed element fails as a damaged key. */
    private static int headerLength(byte[] der, int at) {
        if (at + 1 >= der.length) throw new InvalidPemFileException("a key file holds a damaged EC key");
        int first = der[at + 1] & 0xff;
        return first < 0x80 ? 2 : 2 + (first & 0x7f);
    }

    private static int contentLength(byte[] der, int at) {
        int first = der[at + 1] & 0xff;
        if (first < 0x80) return first;
        int length = 0;
        for (int i = 0; i < (first & 0x7f); i++) length = (length << 8) | (der[at + 2 + i] & 0xff);
        if (at + headerLength(der, at) + length > der.length) {
            throw new InvalidPemFileException("a key file holds a damaged EC key");
        }
        return length;
    }

    private static byte[] decode(Path file, String base64) {
        try {
            return Base64.getMimeDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidPemFileException(file + " holds a PEM block that is not valid base64");
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new InvalidPemFileException(file + " does not exist (resolved as " + file.toAbsolutePath() + ")");
        } catch (AccessDeniedException e) {
            throw new InvalidPemFileException(file + " cannot be read: permission denied");
        } catch (IOException e) {
            throw new InvalidPemFileException(file + " cannot be read: " + e);
        }
    }
}
