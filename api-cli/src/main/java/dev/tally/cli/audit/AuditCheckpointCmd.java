package dev.tally.cli.audit;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.tally.cli.ArgSpecs;
import dev.tally.cli.CliException;
import dev.tally.cli.ExitCodeMapper;
import dev.tally.cli.VerbCommand;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code tally audit checkpoint [--sign-key KEYFILE]}: prints the head of the event log's hash chain as
 * one JSON object, to keep outside the daemon's data root; signed with an Ed25519 key when asked.
 */
final class AuditCheckpointCmd extends VerbCommand {

    static final String PATH = "/tally/v1/audit/checkpoint";

    private final OptionSpec signKey = option(String.class, "KEYFILE",
            "Sign with this Ed25519 private key (PKCS#8 PEM: tally audit keygen, or openssl genpkey -algorithm ed25519)",
            "--sign-key");

    AuditCheckpointCmd() {
        super("checkpoint", "Print the head of the event log's hash chain (admins only)");
    }

    @Override
    public Integer call() throws IOException {
        Map<String, Object> head = api().getObject(PATH);
        Map<String, Object> checkpoint = new LinkedHashMap<>();
        for (String field : new String[] {"sequence", "hash", "time", "count"}) {
            checkpoint.put(field, head.get(field));
        }
        String keyFile = ArgSpecs.value(signKey);
        if (keyFile != null) {
            try {
                KeyPair pair = CheckpointSignature.readPrivateKey(Path.of(keyFile));
                checkpoint.put("signatureAlgorithm", CheckpointSignature.ALGORITHM);
                checkpoint.put("publicKey", Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
                checkpoint.put("signature", CheckpointSignature.sign(checkpoint, pair.getPrivate()));
            } catch (GeneralSecurityException | IOException | ClassCastException e) {
                throw new CliException("cannot sign with " + keyFile + ": " + e.getMessage(), ExitCodeMapper.GENERAL_FAILURE);
            }
        }
        out().println(JSON.std.asString(checkpoint));
        return 0;
    }
}
