package dev.tally.runtime.image;

import dev.tally.domain.DomainException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** The one digest form the store knows: {@code sha256:<64 lowercase hex>}. */
final class Digests {

    private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");

    private Digests() {
    }

    /** The digest's hex, once it is one; INVALID otherwise (it also names a file: nothing else may pass). */
    static String hex(String digest) {
        if (digest == null || !SHA256.matcher(digest).matches()) {
            throw DomainException.invalid("invalid digest " + (digest == null ? "(none)" : "\"" + digest + "\"")
                    + ": expected sha256: and 64 lowercase hexadecimal characters");
        }
        return digest.substring(7);
    }

    static boolean isDigest(String s) {
        return s != null && SHA256.matcher(s).matches();
    }

    static String of(MessageDigest sha) {
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    static String of(byte[] bytes) {
        return of(updated(sha256(), bytes));
    }

    private static MessageDigest updated(MessageDigest sha, byte[] bytes) {
        sha.update(bytes);
        return sha;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
