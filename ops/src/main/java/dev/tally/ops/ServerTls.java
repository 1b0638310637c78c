package dev.tally.ops;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The daemon's side of mutual TLS, from dockerd's PEM files: its own key and certificate chain,
 * and the CA that every client certificate must come from. Everything is read and checked before
 * tallyd listens, so a missing, unreadable or mismatched file stops the daemon with one line
 * instead of failing each handshake later.
 */
record ServerTls(KeyManagerFactory keys, TrustManagerFactory clientCas, X509Certificate certificate,
                 List<X509Certificate> cas) {

    private static final char[] NO_PASSWORD = new char[0];

    static ServerTls load(TlsFlags flags) {
        List<X509Certificate> cas = certificates("--tlscacert", flags.caCert());
        List<X509Certificate> chain = certificates("--tlscert", flags.cert());
        PrivateKey key = privateKey(flags.key(), chain.get(0));
        try {
            KeyStore own = KeyStore.getInstance("PKCS12");
            own.load(null, null);
            own.setKeyEntry("tallyd", key, NO_PASSWORD, chain.toArray(new Certificate[0]));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(own, NO_PASSWORD);
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                trusted.setCertificateEntry("ca-" + i, cas.get(i));
            }
            TrustManagerFactory clientCas = TrustManagerFactory.getInstance("PKIX");
            clientCas.init(trusted);
            return new ServerTls(keys, clientCas, chain.get(0), List.copyOf(cas));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot set up TLS from " + flags.cert() + " and " + flags.key() + ": "
                    + e.getMessage());
        }
    }

    /** A warning when the server certificate is not valid now, else null. */
    String validityWarning(Instant now) {
        Date at = Date.from(now);
        if (at.after(certificate.getNotAfter())) {
            return "the server certificate expired on " + certificate.getNotAfter().toInstant();
        }
        if (at.before(certificate.getNotBefore())) {
            return "the server certificate is valid only from " + certificate.getNotBefore().toInstant();
        }
        return null;
    }

    private static List<X509Certificate> certificates(String flag, Path file) {
        byte[] pem = read(flag, file);
        Collection<? extends Certificate> parsed;
        try (InputStream in = new java.io.ByteArrayInputStream(pem)) {
            parsed = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (CertificateException | IOException e) {
            throw new IllegalArgumentException(flag + " " + file + ": not a PEM certificate (" + e.getMessage() + ")");
        }
        List<X509Certificate> out = new ArrayList<>();
        for (Certificate c : parsed) {
            out.add((X509Certificate) c);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(flag + " " + file + ": holds no certificate");
        }
        return out;
    }

    /** The PKCS#8 PEM key in {@code file}, checked to belong to {@code certificate}. */
    private static PrivateKey privateKey(Path file, X509Certificate certificate) {
        String text = new String(read("--tlskey", file), StandardCharsets.US_ASCII);
        String begin = "-----BEGIN PRIVATE KEY-----";
        int start = text.indexOf(begin);
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (start < 0 || end < start) {
            String found = text.contains("-----BEGIN ") ? text.substring(text.indexOf("-----BEGIN ") + 11).split("-----")[0]
                    : "no PEM block";
            throw new IllegalArgumentException("--tlskey " + file + ": expected an unencrypted PKCS#8 key (BEGIN PRIVATE KEY), "
                    + "found " + found + "; convert it with: openssl pkcs8 -topk8 -nocrypt -in " + file);
        }
        PublicKey publicKey = certificate.getPublicKey();
        String signing = switch (publicKey.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> throw new IllegalArgumentException("--tlscert: unsupported key algorithm "
                    + publicKey.getAlgorithm() + " (RSA or EC keys)");
        };
        PrivateKey key;
        try {
            byte[] der = Base64.getMimeDecoder().decode(text.substring(start + begin.length(), end));
            key = KeyFactory.getInstance(publicKey.getAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("--tlskey " + file + ": not a " + publicKey.getAlgorithm()
                    + " private key like the certificate of --tlscert (" + e.getMessage() + ")");
        }
        if (!belongTogether(signing, key, publicKey)) {
            throw new IllegalArgumentException("--tlskey " + file + " does not belong to the certificate of --tlscert ("
                    + certificate.getSubjectX500Principal().getName() + ")");
        }
        return key;
    }

    /** Whether a signature made with the private key verifies with the certificate's public key. */
    private static boolean belongTogether(String algorithm, PrivateKey key, PublicKey publicKey) {
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] read(String flag, Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            String reason = e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.toString();
            throw new IllegalArgumentException("cannot read " + flag + " " + file + ": " + reason);
        }
    }
}
