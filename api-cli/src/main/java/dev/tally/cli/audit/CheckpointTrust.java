package dev.tally.cli.audit;

import dev.tally.cli.CliException;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Whether a checkpoint may be believed, decided before the daemon is asked. A signature proves
 * something only against a key the verifier already trusts: a key file they hold ({@code --public-key})
 * or a fingerprint they pinned ({@code --key-fingerprint}). The key a checkpoint carries is whoever
 * wrote the file's, so a signed checkpoint without either is refused, as is an unsigned one unless the
 * verifier vouches for the file itself ({@code --trust-unsigned}). Refusals are
 * {@link AuditVerifyCmd#UNTRUSTED_CHECKPOINT}; misuse of the options is {@link AuditVerifyCmd#FAILURE}.
 */
final class CheckpointTrust {

    private static final Pattern FINGERPRINT = Pattern.compile("SHA256:[0-9a-f]{64}");

    /** Who vouches for a believed checkpoint, for the verdict: "signed by SHA256:… (how trusted)" or unsigned. */
    record Voucher(String signer) {

        boolean signed() {
            return signer != null;
        }
    }

    private CheckpointTrust() {
    }

    /**
     * @param keyFile       a trusted public key (X.509 PEM), or null
     * @param pinned        a trusted key's fingerprint (SHA256: and 64 hex digits), or null
     * @param trustUnsigned the verifier vouches for an unsigned checkpoint file themselves
     */
    static Voucher decide(String file, Map<String, Object> checkpoint, String keyFile, String pinned,
                          boolean trustUnsigned) {
        if (keyFile != null && pinned != null) {
            throw new CliException("give --public-key or --key-fingerprint, not both", AuditVerifyCmd.FAILURE);
        }
        String pin = pinned == null ? null : normalized(pinned);
        Object signature = checkpoint.get("signature");
        if (signature == null) {
            if (keyFile != null || pin != null) {
                throw new CliException("the checkpoint " + file + " is not signed", AuditVerifyCmd.UNTRUSTED_CHECKPOINT);
            }
            if (!trustUnsigned) {
                throw new CliException("the checkpoint " + file + " is not signed, so nothing says who made it: sign "
                        + "checkpoints (tally audit checkpoint --sign-key), or give --trust-unsigned if you kept this "
                        + "file where no one else could write it", AuditVerifyCmd.UNTRUSTED_CHECKPOINT);
            }
            return new Voucher(null);
        }
        if (keyFile == null && pin == null) {
            throw new CliException("the checkpoint " + file + " is signed, but a signature proves nothing against the "
                    + "key the checkpoint carries (whoever wrote the file chose it): give the key you trust, "
                    + "--public-key FILE or --key-fingerprint SHA256:…", AuditVerifyCmd.UNTRUSTED_CHECKPOINT);
        }
        try {
            PublicKey key = keyFile != null ? CheckpointSignature.readPublicKey(Path.of(keyFile))
                    : CheckpointSignature.publicKey(Base64.getDecoder().decode(String.valueOf(checkpoint.get("publicKey"))));
            String fingerprint = CheckpointSignature.fingerprint(key);
            if (pin != null && !pin.equals(fingerprint)) {
                throw new CliException("the checkpoint " + file + " is signed by the key " + fingerprint
                        + ", not by the pinned " + pin, AuditVerifyCmd.UNTRUSTED_CHECKPOINT);
            }
            if (!CheckpointSignature.verifies(checkpoint, String.valueOf(signature), key)) {
                throw new CliException("the signature of the checkpoint " + file + " does not verify with "
                        + (keyFile != null ? keyFile : "the pinned key " + pin), AuditVerifyCmd.UNTRUSTED_CHECKPOINT);
            }
            return new Voucher(fingerprint + (keyFile != null ? " (--public-key " + keyFile + ")" : " (pinned)"));
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new CliException("cannot check the checkpoint's signature: " + e.getMessage(),
                    AuditVerifyCmd.UNTRUSTED_CHECKPOINT);
        }
    }

    private static String normalized(String pinned) {
        String pin = pinned.strip();
        if (pin.regionMatches(true, 0, "SHA256:", 0, 7)) {
            pin = "SHA256:" + pin.substring(7).toLowerCase(Locale.ROOT);
        }
        if (!FINGERPRINT.matcher(pin).matches()) {
            throw new CliException("--key-fingerprint takes SHA256: and the 64 hex digits tally audit keygen prints, "
                    + "not " + pinned, AuditVerifyCmd.FAILURE);
        }
        return pin;
    }
}
