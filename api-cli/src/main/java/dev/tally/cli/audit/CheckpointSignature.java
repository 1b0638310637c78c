package dev.tally.cli.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * Ed25519 signatures over a checkpoint's canonical text, with keys in the PEM files that
 * {@code openssl genpkey -algorithm ed25519} and {@code openssl pkey -pubout} write
 * (PKCS#8 "PRIVATE KEY", X.509 "PUBLIC KEY"). The canonical text is
 * <pre>
 * tally audit checkpoint v1
 * sequence: SEQUENCE
 * hash: sha256:HEX
 * time: ISO-8601 TIME
 * count: COUNT
 * </pre>
 * each line ending in a newline, in UTF-8.
 */
final class CheckpointSignature {

    static final String ALGORITHM = "Ed25519";

    private CheckpointSignature() {
    }

    /** The text a signature covers: every field of the checkpoint, one per line, in a fixed order. */
    static String canonicalText(Map<String, Object> checkpoint) {
        return "tally audit checkpoint v1\n"
                + "sequence: " + number(checkpoint, "sequence") + "\n"
                + "hash: " + text(checkpoint, "hash") + "\n"
                + "time: " + text(checkpoint, "time") + "\n"
                + "count: " + number(checkpoint, "count") + "\n";
    }

    static String sign(Map<String, Object> checkpoint, PrivateKey key) throws GeneralSecurityException {
        Signature signer = Signature.getInstance(ALGORITHM);
        signer.initSign(key);
        signer.update(canonicalText(checkpoint).getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(signer.sign());
    }

    static boolean verifies(Map<String, Object> checkpoint, String signature, PublicKey key) {
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update(canonicalText(checkpoint).getBytes(StandardCharsets.UTF_8));
            return verifier.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    static KeyPair generate() throws GeneralSecurityException {
        return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    }

    /**
     * The key pair of a PKCS#8 private key file. The JDK derives an Ed25519 public key only while
     * generating, so the pair is generated again from the private key's own 32-byte seed.
     */
    static KeyPair readPrivateKey(Path pem) throws IOException, GeneralSecurityException {
        PrivateKey key = KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der(pem, "PRIVATE KEY")));
        byte[] seed = ((EdECPrivateKey) key).getBytes()
                .orElseThrow(() -> new GeneralSecurityException("the private key in " + pem + " has no seed"));
        KeyPairGenerator generator = KeyPairGenerator.getInstance(ALGORITHM);
        generator.initialize(NamedParameterSpec.ED25519, new SeedRandom(seed));
        KeyPair pair = generator.generateKeyPair();
        Signature check = Signature.getInstance(ALGORITHM);
        check.initSign(key);
        check.update(new byte[] {1});
        byte[] probe = check.sign();
        Signature verify = Signature.getInstance(ALGORITHM);
        verify.initVerify(pair.getPublic());
        verify.update(new byte[] {1});
        if (!verify.verify(probe)) {
            throw new GeneralSecurityException("could not derive the public key of " + pem);
        }
        return new KeyPair(pair.getPublic(), key);
    }

    static PublicKey readPublicKey(Path pem) throws IOException, GeneralSecurityException {
        return publicKey(der(pem, "PUBLIC KEY"));
    }

    static PublicKey publicKey(byte[] x509) throws GeneralSecurityException {
        return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(x509));
    }

    /**
     * The name of a public key to pin: SHA256: and the 64 hex digits of the digest of its X.509 encoding
     * (whole: a shortened digest would let a made-up key match it far sooner).
     */
    static String fingerprint(PublicKey key) throws GeneralSecurityException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
        return "SHA256:" + HexFormat.of().formatHex(digest);
    }

    static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private static byte[] der(Path pem, String label) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new GeneralSecurityException(pem + " holds no " + label + " in PEM form");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException(pem + ": bad base64 in the " + label, e);
        }
    }

    private static Object number(Map<String, Object> checkpoint, String field) {
        Object value = checkpoint.get(field);
        if (!(value instanceof Number n) || n.longValue() < 0) {
            throw new IllegalArgumentException("the checkpoint has no " + field + " (a number)");
        }
        return n.longValue();
    }

    private static String text(Map<String, Object> checkpoint, String field) {
        Object value = checkpoint.get(field);
        if (!(value instanceof String s) || s.isEmpty() || s.contains("\n")) {
            throw new IllegalArgumentException("the checkpoint has no " + field + " (a line of text)");
        }
        return s;
    }

    /** Hands out the given seed as the "random" bytes of a key generation. */
    private static final class SeedRandom extends SecureRandom {

        private static final long serialVersionUID = 1L;
        private final byte[] seed;

        SeedRandom(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("asked for " + bytes.length + " bytes of a " + seed.length + "-byte seed");
            }
            System.arraycopy(seed, 0, bytes, 0, seed.length);
        }
    }
}
