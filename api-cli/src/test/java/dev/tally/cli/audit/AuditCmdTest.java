package dev.tally.cli.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.tally.cli.CliRun;
import dev.tally.cli.http.FakeDaemon;
import dev.tally.cli.http.FakeDaemonExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** tally audit checkpoint, keygen and verify against a fake daemon: signatures, verdicts and exit codes. */
@ExtendWith(FakeDaemonExtension.class)
class AuditCmdTest {

    private static final String HEAD = "{\"sequence\":42,\"hash\":\"sha256:" + "ab".repeat(32)
            + "\",\"time\":\"2026-11-23T12:00:00Z\",\"count\":42}";

    @TempDir
    Path dir;

    /** Started before each test, closed and checked for handler failures after it. */
    private FakeDaemon daemon;

    @BeforeEach
    void answerCommonRoutes() throws IOException {
        daemon.on("GET", "/tally/v1/audit/checkpoint", exchange -> exchange.respondJson(200, HEAD));
    }

    private void answerVerify(String json) {
        daemon.on("GET", "/tally/v1/audit/verify", exchange -> exchange.respondJson(200, json));
    }

    /** The fingerprint of the last pair {@link #keys} made, as keygen printed it. */
    private String printedFingerprint;

    private Path keys() {
        CliRun made = CliRun.run(daemon.address(), "audit", "keygen", "--out", dir.resolve("keys").toString());
        assertEquals(0, made.exitCode(), made.stderr());
        Matcher m = Pattern.compile("\\((SHA256:[0-9a-f]{64})\\)\n").matcher(made.stdout());
        assertTrue(m.find(), "keygen prints the whole fingerprint: " + made.stdout());
        printedFingerprint = m.group(1);
        return dir.resolve("keys");
    }

    private Path checkpoint(String... extra) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of("audit", "checkpoint"));
        args.addAll(List.of(extra));
        CliRun printed = CliRun.run(daemon.address(), args.toArray(String[]::new));
        assertEquals(0, printed.exitCode(), printed.stderr());
        Path file = dir.resolve("checkpoint-" + System.nanoTime() + ".json");
        Files.writeString(file, printed.stdout());
        return file;
    }

    @Test
    void checkpointPrintsTheHeadAsOneJsonObject() throws IOException {
        CliRun printed = CliRun.run(daemon.address(), "audit", "checkpoint");
        assertEquals(0, printed.exitCode(), printed.stderr());
        assertEquals(1, printed.stdout().lines().count());
        assertEquals(JSON.std.mapFrom(HEAD), JSON.std.mapFrom(printed.stdout()));
    }

    @Test
    void keygenWritesAPrivateKeyOnlyItsOwnerReadsAndNeverOverwrites() throws IOException {
        Path keys = keys();
        assertEquals(PosixFilePermissions.fromString("rw-------"),
                Files.getPosixFilePermissions(keys.resolve(AuditKeygenCmd.PRIVATE_FILE)));
        assertTrue(Files.readString(keys.resolve(AuditKeygenCmd.PUBLIC_FILE)).startsWith("-----BEGIN PUBLIC KEY-----"));
        CliRun again = CliRun.run(daemon.address(), "audit", "keygen", "--out", keys.toString());
        assertEquals(1, again.exitCode());
        assertEquals("tally: audit keygen: a key pair is already in " + keys + "; not overwriting it\n", again.stderr());
    }

    @Test
    void aSignedCheckpointIsSentToTheDaemonAndAnIntactChainExitsZero() throws IOException {
        Path keys = keys();
        Path file = checkpoint("--sign-key", keys.resolve(AuditKeygenCmd.PRIVATE_FILE).toString());
        Map<String, Object> written = JSON.std.mapFrom(Files.readString(file));
        assertEquals("Ed25519", written.get("signatureAlgorithm"));
        answerVerify("{\"ok\":true,\"checked\":50,\"head\":{\"sequence\":50,\"hash\":\"sha256:" + "cd".repeat(32)
                + "\",\"time\":\"2026-11-23T12:01:00Z\",\"count\":50},\"firstBadSequence\":null,\"problem\":null}");

        CliRun verified = CliRun.run(daemon.address(), "audit", "verify", "--checkpoint", file.toString(),
                "--public-key", keys.resolve(AuditKeygenCmd.PUBLIC_FILE).toString());

        assertEquals(0, verified.exitCode(), verified.stderr());
        assertTrue(verified.stdout().startsWith("chain intact: 50 events, head 50 sha256:" + "cd".repeat(32)
                + ", matches the checkpoint signed by SHA256:"), verified.stdout());
        assertTrue(verified.stdout().contains("\nproven: the log up to sequence 42 is the one checkpointed and signed by "
                + "the key you trust"), verified.stdout());
        assertTrue(verified.stdout().contains("\nnot proven: events after sequence 42"), verified.stdout());
        String query = daemon.requests().get(daemon.requests().size() - 1).query();
        assertTrue(query.startsWith("sequence=42&hash=sha256%3A" + "ab".repeat(32)), query);
    }

    @Test
    void aBrokenChainPrintsTheFirstBadSequenceAndExitsOne() {
        answerVerify("{\"ok\":false,\"checked\":7,\"head\":null,\"firstBadSequence\":7,"
                + "\"problem\":\"hash does not match its content\"}");
        CliRun broken = CliRun.run(daemon.address(), "audit", "verify");
        assertEquals(1, broken.exitCode(), broken.stderr());
        assertEquals("chain broken at sequence 7: hash does not match its content\n", broken.stdout());
    }

    @Test
    void anEditedSignedCheckpointIsRefusedWithoutAskingTheDaemon() throws IOException {
        Path keys = keys();
        Path file = checkpoint("--sign-key", keys.resolve(AuditKeygenCmd.PRIVATE_FILE).toString());
        Map<String, Object> edited = new LinkedHashMap<>(JSON.std.mapFrom(Files.readString(file)));
        edited.put("sequence", 41);
        Files.writeString(file, JSON.std.asString(edited));
        int requestsBefore = daemon.requests().size();

        Path trusted = keys.resolve(AuditKeygenCmd.PUBLIC_FILE);

        CliRun refused = CliRun.run(daemon.address(), "audit", "verify", "--checkpoint", file.toString(),
                "--public-key", trusted.toString());

        assertEquals(2, refused.exitCode());
        assertEquals("tally: audit verify: the signature of the checkpoint " + file + " does not verify with " + trusted
                + "\n", refused.stderr());
        assertEquals(requestsBefore, daemon.requests().size());
    }

    @Test
    void aCheckpointDoesNotVouchForItselfWithTheKeyItCarries() throws IOException {
        Path intruder = dir.resolve("intruder");
        assertEquals(0, CliRun.run(daemon.address(), "audit", "keygen", "--out", intruder.toString()).exitCode());
        Path forged = checkpoint("--sign-key", intruder.resolve(AuditKeygenCmd.PRIVATE_FILE).toString());
        int requestsBefore = daemon.requests().size();

        CliRun refused = CliRun.run(daemon.address(), "audit", "verify", "--checkpoint", forged.toString());

        assertEquals(2, refused.exitCode(), refused.stdout());
        assertTrue(refused.stderr().startsWith("tally: audit verify: the checkpoint " + forged + " is signed, but a "
                + "signature proves nothing against the key the checkpoint carries"), refused.stderr());
        assertTrue(refused.stderr().contains("--public-key FILE or --key-fingerprint SHA256:"), refused.stderr());
        assertEquals("", refused.stdout());
        assertEquals(requestsBefore, daemon.requests().size(), "no verdict is asked for on an untrusted checkpoint");
    }

    @Test
    void aPinnedFingerprintAcceptsItsKeysCheckpointAndNoOtherKeys() throws IOException {
        Path keys = keys();
        Path intruder = dir.resolve("intruder");
        assertEquals(0, CliRun.run(daemon.address(), "audit", "keygen", "--out", intruder.toString()).exitCode());
        String pin = printedFingerprint;
        answerVerify("{\"ok\":true,\"checked\":42,\"head\":" + HEAD + ",\"firstBadSequence\":null,\"problem\":null}");

        Path genuine = checkpoint("--sign-key", keys.resolve(AuditKeygenCmd.PRIVATE_FILE).toString());
        CliRun verified = CliRun.run(daemon.address(), "audit", "verify", "--checkpoint", genuine.toString(),
                "--key-fingerprint", pin.toUpperCase(java.util.Locale.ROOT).replace("SHA256:", "sha256:"));
        assertEquals(0, verified.exitCode(), verified.stderr());
        assertTrue(verified.stdout().contains(", matches the checkpoint signed by " + pin + " (pinned)\n"),
                verified.stdout());

        Path forged = checkpoint("--sign-key", intruder.resolve(AuditKeygenCmd.PRIVATE_FILE).toString());
        CliRun refused = CliRun.run(daemon.address(), "audit", "verify", "--checkpoint", forged.toString(),
                "--key-fingerprint", pin);
        assertEquals(2, refused.exitCode(), refused.stdout());
        assertTrue(refused.stderr().contains("is signed by the key SHA256:") && refused.stderr().endsWith(
                ", not by the pinned " + pin + "\n"), refused.stderr());

        Map<String, Object> swapped = new LinkedHashMap<>(JSON.std.mapFrom(Files.readString(forged)));
        swapped.put("publicKey", JSON.std.mapFrom(Files.readString(genuine)).get("publicKey"));
        Files.writeString(forged, JSON.std.asString(swapped));
        CliRun stillRefused = CliRun.run(daemon.address(), "audit", "verify", "--checkpoint", forged.toString(),
                "--key-fingerprint", pin);
        assertEquals(2, stillRefused.exitCode(), stillRefused.stdout());
        assertTrue(stillRefused.stderr().contains("does not verify with the pinned key " + pin), stillRefused.stderr());
    }

    @Test
    void anUnsignedCheckpointIsComparedOnlyWhenTheVerifierVouchesForTheFile() throws IOException {
        Path file = checkpoint();
        answerVerify("{\"ok\":true,\"checked\":42,\"head\":" + HEAD + ",\"firstBadSequence\":null,\"problem\":null}");

        CliRun refused = CliRun.run(daemon.address(), "audit", "verify", "--checkpoint", file.toString());
        assertEquals(2, refused.exitCode(), refused.stdout());
        assertTrue(refused.stderr().contains("is not signed, so nothing says who made it"), refused.stderr());

        CliRun vouched = CliRun.run(daemon.address(), "audit", "verify", "--checkpoint", file.toString(), "--trust-unsigned");
        assertEquals(0, vouched.exitCode(), vouched.stderr());
        assertTrue(vouched.stdout().contains(", matches the unsigned checkpoint " + file + "\n"), vouched.stdout());
        assertTrue(vouched.stdout().contains("\nnot proven: who made the checkpoint (unsigned, taken on trust with "
                + "--trust-unsigned)"), vouched.stdout());
    }

    @Test
    void withoutACheckpointTheVerdictSaysARewriteIsNotRuledOut() {
        answerVerify("{\"ok\":true,\"checked\":42,\"head\":" + HEAD + ",\"firstBadSequence\":null,\"problem\":null}");
        CliRun verified = CliRun.run(daemon.address(), "audit", "verify");
        assertEquals(0, verified.exitCode(), verified.stderr());
        List<String> lines = verified.stdout().lines().toList();
        assertEquals(3, lines.size(), verified.stdout());
        assertEquals("chain intact: 42 events, head 42 sha256:" + "ab".repeat(32), lines.get(0));
        assertTrue(lines.get(1).startsWith("proven: "), lines.get(1));
        assertTrue(lines.get(2).startsWith("not proven: that no one rewrote the log"), lines.get(2));
    }

    @Test
    void trustOptionsAreUsageErrorsWhenMisused() throws IOException {
        Path keys = keys();
        Path file = checkpoint("--sign-key", keys.resolve(AuditKeygenCmd.PRIVATE_FILE).toString());
        String pin = printedFingerprint;
        CliRun both = CliRun.run(daemon.address(), "audit", "verify", "--checkpoint", file.toString(),
                "--public-key", keys.resolve(AuditKeygenCmd.PUBLIC_FILE).toString(), "--key-fingerprint", pin);
        assertEquals(125, both.exitCode(), both.stderr());
        CliRun shortPin = CliRun.run(daemon.address(), "audit", "verify", "--checkpoint", file.toString(),
                "--key-fingerprint", pin.substring(0, 23));
        assertEquals(125, shortPin.exitCode(), shortPin.stderr());
        assertTrue(shortPin.stderr().contains("64 hex digits"), shortPin.stderr());
        CliRun noCheckpoint = CliRun.run(daemon.address(), "audit", "verify", "--trust-unsigned");
        assertEquals(125, noCheckpoint.exitCode(), noCheckpoint.stderr());
    }

    @Test
    void aCheckpointSignedByAnotherKeyIsRefused() throws IOException {
        Path keys = keys();
        CliRun other = CliRun.run(daemon.address(), "audit", "keygen", "--out", dir.resolve("other").toString());
        assertEquals(0, other.exitCode(), other.stderr());
        Path file = checkpoint("--sign-key", dir.resolve("other").resolve(AuditKeygenCmd.PRIVATE_FILE).toString());

        CliRun refused = CliRun.run(daemon.address(), "audit", "verify", "--checkpoint", file.toString(),
                "--public-key", keys.resolve(AuditKeygenCmd.PUBLIC_FILE).toString());

        assertEquals(2, refused.exitCode());
        assertTrue(refused.stderr().contains("does not verify with"), refused.stderr());
    }

    @Test
    void anUnsignedCheckpointIsRefusedWhenAPublicKeyIsGiven() throws IOException {
        Path keys = keys();
        Path file = checkpoint();
        CliRun refused = CliRun.run(daemon.address(), "audit", "verify", "--checkpoint", file.toString(),
                "--public-key", keys.resolve(AuditKeygenCmd.PUBLIC_FILE).toString());
        assertEquals(2, refused.exitCode());
        assertEquals("tally: audit verify: the checkpoint " + file + " is not signed\n", refused.stderr());
    }

    @Test
    void keysMadeByOpensslSignAndVerify() throws Exception {
        Path key = dir.resolve("openssl.key");
        Path pub = dir.resolve("openssl.pub");
        run("openssl", "genpkey", "-algorithm", "ed25519", "-out", key.toString());
        run("openssl", "pkey", "-in", key.toString(), "-pubout", "-out", pub.toString());
        Path file = checkpoint("--sign-key", key.toString());
        answerVerify("{\"ok\":true,\"checked\":42,\"head\":" + HEAD + ",\"firstBadSequence\":null,\"problem\":null}");

        CliRun verified = CliRun.run(daemon.address(), "audit", "verify", "--checkpoint", file.toString(),
                "--public-key", pub.toString());

        assertEquals(0, verified.exitCode(), verified.stderr());
    }

    @Test
    void daemonRefusalsExitWith125SoTheyAreNoVerdict() {
        daemon.on("GET", "/tally/v1/audit/verify", exchange -> exchange.respondJson(403,
                "{\"message\":\"authorization denied: audit.verify is for tally admins only\"}"));
        CliRun denied = CliRun.run(daemon.address(), "audit", "verify");
        assertEquals(125, denied.exitCode());
        assertEquals("tally: audit verify: authorization denied: audit.verify is for tally admins only\n", denied.stderr());
        CliRun badUsage = CliRun.run(daemon.address(), "audit", "verify", "--public-key", "x.pem");
        assertEquals(125, badUsage.exitCode());
        assertFalse(badUsage.stderr().isEmpty());
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
    }
}
