package dev.tally.cli.audit;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.tally.cli.ArgSpecs;
import dev.tally.cli.CliException;
import dev.tally.cli.ExitCodeMapper;
import dev.tally.cli.QueryString;
import dev.tally.cli.VerbCommand;
import dev.tally.cli.http.DaemonErrorException;
import dev.tally.cli.http.DaemonUnreachableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code tally audit verify [--checkpoint FILE] [--public-key PEM]}: has the daemon walk the event log's
 * hash chain and prints a one-line verdict. Exit codes: 0 the chain is intact (and matches the
 * checkpoint), 1 the chain is broken (the line names the first bad sequence), 2 the checkpoint cannot be
 * trusted (unreadable, unsigned while a public key was given, or its signature does not verify),
 * 125 anything else (daemon unreachable or refusing, bad usage).
 */
final class AuditVerifyCmd extends VerbCommand {

    static final int BROKEN = 1;
    static final int UNTRUSTED_CHECKPOINT = 2;
    static final int FAILURE = ExitCodeMapper.RUN_FAILURE;

    private final OptionSpec checkpointFile = option(String.class, "FILE",
            "A checkpoint printed earlier by tally audit checkpoint: also catch a rewritten log or a removed end",
            "--checkpoint");
    private final OptionSpec publicKey = option(String.class, "PEM",
            "The Ed25519 public key the checkpoint must be signed with (X.509 PEM)", "--public-key");

    AuditVerifyCmd() {
        super("verify", "Verify the event log's hash chain (admins only)");
    }

    @Override
    public Integer call() throws IOException {
        String file = ArgSpecs.value(checkpointFile);
        String keyFile = ArgSpecs.value(publicKey);
        if (keyFile != null && file == null) {
            throw new CliException("--public-key checks a checkpoint's signature: give --checkpoint FILE too", FAILURE);
        }
        QueryString query = new QueryString();
        String signedBy = null;
        if (file != null) {
            Map<String, Object> checkpoint = readCheckpoint(file);
            signedBy = checkSignature(file, checkpoint, keyFile);
            query.add("sequence", String.valueOf(((Number) checkpoint.get("sequence")).longValue()))
                    .add("hash", (String) checkpoint.get("hash"))
                    .add("time", (String) checkpoint.get("time"))
                    .add("count", String.valueOf(((Number) checkpoint.get("count")).longValue()));
        }
        Map<String, Object> verdict;
        try {
            verdict = api().getObject("/tally/v1/audit/verify" + query);
        } catch (DaemonErrorException | DaemonUnreachableException e) {
            throw new CliException(e.getMessage(), FAILURE);
        }
        if (Boolean.TRUE.equals(verdict.get("ok"))) {
            Object head = verdict.get("head");
            Map<?, ?> h = head instanceof Map<?, ?> m ? m : Map.of();
            out().println("chain intact: " + verdict.get("checked") + " events, head " + h.get("sequence") + " "
                    + h.get("hash") + (file == null ? "" : ", matches the checkpoint" + (signedBy == null ? ""
                    : " signed by " + signedBy)));
            return 0;
        }
        printLine("chain broken at sequence " + verdict.get("firstBadSequence") + ": " + verdict.get("problem"));
        return BROKEN;
    }

    private static Map<String, Object> readCheckpoint(String file) {
        try {
            Map<String, Object> checkpoint = JSON.std.mapFrom(Files.readString(Path.of(file)));
            CheckpointSignature.canonicalText(checkpoint);
            return checkpoint;
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException("not a checkpoint: " + file + ": " + e.getMessage(), UNTRUSTED_CHECKPOINT);
        }
    }

    /** The signer's fingerprint, or null for an unsigned checkpoint when no key was asked for. */
    private static String checkSignature(String file, Map<String, Object> checkpoint, String keyFile) {
        Object signature = checkpoint.get("signature");
        if (signature == null) {
            if (keyFile != null) {
                throw new CliException("the checkpoint " + file + " is not signed", UNTRUSTED_CHECKPOINT);
            }
            return null;
        }
        try {
            PublicKey key = keyFile != null ? CheckpointSignature.readPublicKey(Path.of(keyFile))
                    : CheckpointSignature.publicKey(Base64.getDecoder().decode(String.valueOf(checkpoint.get("publicKey"))));
            if (!CheckpointSignature.verifies(checkpoint, String.valueOf(signature), key)) {
                throw new CliException("the signature of the checkpoint " + file + " does not verify"
                        + (keyFile != null ? " with " + keyFile : ""), UNTRUSTED_CHECKPOINT);
            }
            return CheckpointSignature.fingerprint(key) + (keyFile != null ? " (" + keyFile + ")" : " (key in the checkpoint)");
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new CliException("cannot check the checkpoint's signature: " + e.getMessage(), UNTRUSTED_CHECKPOINT);
        }
    }
}
