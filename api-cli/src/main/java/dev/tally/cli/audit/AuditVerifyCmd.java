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
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code tally audit verify [--checkpoint FILE (--public-key PEM | --key-fingerprint SHA256:HEX | --trust-unsigned)]}:
 * has the daemon walk the event log's hash chain and prints the verdict, then what it proves and what it
 * does not. Exit codes: 0 the chain is intact (and matches the checkpoint), 1 the chain is broken (the
 * line names the first bad sequence), 2 the checkpoint cannot be trusted (unreadable; signed, but no
 * trusted key given or not by it; unsigned without --trust-unsigned), 125 anything else (daemon
 * unreachable or refusing, bad usage).
 */
final class AuditVerifyCmd extends VerbCommand {

    static final int BROKEN = 1;
    static final int UNTRUSTED_CHECKPOINT = 2;
    static final int FAILURE = ExitCodeMapper.RUN_FAILURE;

    private final OptionSpec checkpointFile = option(String.class, "FILE",
            "A checkpoint printed earlier by tally audit checkpoint: also catch a rewritten log or a removed end",
            "--checkpoint");
    private final OptionSpec publicKey = option(String.class, "PEM",
            "The Ed25519 public key you trust to have signed the checkpoint (X.509 PEM)", "--public-key");
    private final OptionSpec keyFingerprint = option(String.class, "SHA256:HEX",
            "The fingerprint of the key you trust to have signed the checkpoint (as tally audit keygen prints it)",
            "--key-fingerprint");
    private final OptionSpec trustUnsigned = flag(
            "Compare the log with an unsigned checkpoint, vouching for the file yourself", "--trust-unsigned");

    AuditVerifyCmd() {
        super("verify", "Verify the event log's hash chain (admins only)");
    }

    @Override
    public Integer call() throws IOException {
        String file = ArgSpecs.value(checkpointFile);
        String keyFile = ArgSpecs.value(publicKey);
        String pinned = ArgSpecs.value(keyFingerprint);
        boolean unsignedOk = ArgSpecs.isSet(trustUnsigned);
        if ((keyFile != null || pinned != null || unsignedOk) && file == null) {
            throw new CliException("--public-key, --key-fingerprint and --trust-unsigned say how to trust a "
                    + "checkpoint: give --checkpoint FILE too", FAILURE);
        }
        QueryString query = new QueryString();
        CheckpointTrust.Voucher voucher = null;
        long checkpointSequence = -1;
        if (file != null) {
            Map<String, Object> checkpoint = readCheckpoint(file);
            voucher = CheckpointTrust.decide(file, checkpoint, keyFile, pinned, unsignedOk);
            checkpointSequence = ((Number) checkpoint.get("sequence")).longValue();
            query.add("sequence", String.valueOf(checkpointSequence))
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
        if (!Boolean.TRUE.equals(verdict.get("ok"))) {
            printLine("chain broken at sequence " + verdict.get("firstBadSequence") + ": " + verdict.get("problem"));
            return BROKEN;
        }
        Object head = verdict.get("head");
        Map<?, ?> h = head instanceof Map<?, ?> m ? m : Map.of();
        String intact = "chain intact: " + verdict.get("checked") + " events, head " + h.get("sequence") + " "
                + h.get("hash");
        if (voucher == null) {
            printLine(intact);
            printLine("proven: each event is linked to the one before it, from the first to the head");
            printLine("not proven: that no one rewrote the log from some event on with every hash recomputed, or cut "
                    + "its end (compare with a signed checkpoint taken earlier: --checkpoint FILE --public-key PEM)");
        } else if (voucher.signed()) {
            printLine(intact + ", matches the checkpoint signed by " + voucher.signer());
            printLine("proven: the log up to sequence " + checkpointSequence + " is the one checkpointed and signed by "
                    + "the key you trust; each event after it is linked to it");
            printLine("not proven: events after sequence " + checkpointSequence
                    + " are linked but vouched for by no checkpoint");
        } else {
            printLine(intact + ", matches the unsigned checkpoint " + file);
            printLine("proven: the log up to sequence " + checkpointSequence + " is the one this file records; each "
                    + "event after it is linked to it");
            printLine("not proven: who made the checkpoint (unsigned, taken on trust with --trust-unsigned); events "
                    + "after sequence " + checkpointSequence);
        }
        return 0;
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
}
