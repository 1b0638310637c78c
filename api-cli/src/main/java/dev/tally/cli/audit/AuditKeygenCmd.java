package dev.tally.cli.audit;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.CliException;
import dev.tally.cli.ExitCodeMapper;
import dev.tally.cli.VerbCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code tally audit keygen --out DIR}: makes an Ed25519 key pair for signing checkpoints,
 * {@code DIR/tally-audit.key} (PKCS#8 PEM, mode 0600) and {@code DIR/tally-audit.pub} (X.509 PEM).
 * Never overwrites. Keep the directory off the host whose log it vouches for, or at least outside the
 * daemon's data root.
 */
final class AuditKeygenCmd extends VerbCommand {

    static final String PRIVATE_FILE = "tally-audit.key";
    static final String PUBLIC_FILE = "tally-audit.pub";

    private final OptionSpec out = option(String.class, "DIR", "Directory for tally-audit.key and tally-audit.pub",
            "--out");

    AuditKeygenCmd() {
        super("keygen", "Make an Ed25519 key pair to sign checkpoints with");
    }

    @Override
    public Integer call() {
        String outDir = ArgSpecs.value(out);
        if (outDir == null) {
            throw new CliException("--out DIR is required: where to write the key pair", ExitCodeMapper.GENERAL_FAILURE);
        }
        Path dir = Path.of(outDir);
        Path privateFile = dir.resolve(PRIVATE_FILE);
        Path publicFile = dir.resolve(PUBLIC_FILE);
        try {
            Files.createDirectories(dir);
            if (Files.exists(privateFile) || Files.exists(publicFile)) {
                throw new CliException("a key pair is already in " + dir + "; not overwriting it",
                        ExitCodeMapper.GENERAL_FAILURE);
            }
            KeyPair pair = CheckpointSignature.generate();
            Files.createFile(privateFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(privateFile, CheckpointSignature.pem("PRIVATE KEY", pair.getPrivate().getEncoded()),
                    StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
            Files.writeString(publicFile, CheckpointSignature.pem("PUBLIC KEY", pair.getPublic().getEncoded()),
                    StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
            out().println("private key: " + privateFile);
            out().println("public key:  " + publicFile + " (" + CheckpointSignature.fingerprint(pair.getPublic()) + ")");
            return 0;
        } catch (FileAlreadyExistsException e) {
            throw new CliException("a key pair is already in " + dir + "; not overwriting it", ExitCodeMapper.GENERAL_FAILURE);
        } catch (IOException | GeneralSecurityException e) {
            throw new CliException("cannot make a key pair in " + dir + ": " + e.getMessage(), ExitCodeMapper.GENERAL_FAILURE);
        }
    }
}
