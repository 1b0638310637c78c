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

    private Path keys() {
        CliRun made = CliRun.run(daemon.address(), "audit", "keygen", "--out", dir.resolve("keys").toString());
        assertEquals(0, made.exitCode(), made.stderr());
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

        CliRun refused = CliRun.run(daemon.address(), "audit", "verify", "--checkpoint", file.toString());

        assertEquals(2, refused.exitCode());
        assertEquals("tally: audit verify: the signature of the checkpoint " + file + " does not verify\n", refused.stderr());
        assertEquals(requestsBefore, daemon.requests().size());
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
