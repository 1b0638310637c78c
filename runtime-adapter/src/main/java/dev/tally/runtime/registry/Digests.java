package dev.tally.runtime.registry;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** sha256 digests in the registry's notation: {@code sha256:<64 hex>}. */
final class Digests {

    private Digests() {
    }

    static String sha256(byte[] bytes) {
        return "sha256:" + HexFormat.of().formatHex(newSha256().digest(bytes));
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
