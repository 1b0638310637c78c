package dev.tally.cli.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Certificates and private keys from PEM files, with the JDK alone: certificates through
 * {@link CertificateFactory}, keys in PKCS#8 ({@code BEGIN PRIVATE KEY}, openssl 3's default)
 * through {@link KeyFactory}, RSA or EC as the matching certificate says. Failures are
 * {@link IllegalArgumentException}s whose message names the file and what is wrong with it.
 */
final class PemFiles {

    private static final String BEGIN_KEY = "-----BEGIN PRIVATE KEY-----";
    private static final String END_KEY = "-----END PRIVATE KEY-----";

    private PemFiles() {
    }

    static List<X509Certificate> certificates(Path file) {
        byte[] pem = read(file);
        List<X509Certificate> out = new ArrayList<>();
        try {
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem))) {
                out.add((X509Certificate) c);
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException(file + " is not a PEM certificate (" + e.getMessage() + ")");
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no certificate");
        }
        return out;
    }

    /** The key in {@code file}, of the algorithm of {@code certificate}'s public key. */
    static PrivateKey privateKey(Path file, X509Certificate certificate) {
        String text = new String(read(file), StandardCharsets.US_ASCII);
        int start = text.indexOf(BEGIN_KEY);
        int end = text.indexOf(END_KEY);
        if (start < 0 || end < start) {
            throw new IllegalArgumentException(file + " is not an unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY); "
                    + "convert it with: openssl pkcs8 -topk8 -nocrypt -in " + file);
        }
        String algorithm = certificate.getPublicKey().getAlgorithm();
        try {
            byte[] der = Base64.getMimeDecoder().decode(text.substring(start + BEGIN_KEY.length(), end));
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " is not the " + algorithm + " key of its certificate ("
                    + e.getMessage() + ")");
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("cannot read " + file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException("cannot read " + file + ": permission denied");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
    }
}
