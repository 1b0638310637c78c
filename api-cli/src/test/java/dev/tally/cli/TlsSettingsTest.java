package dev.tally.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tally.cli.http.ClientTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The docker CLI's rules for TLS files, and the root options that may come before the verb. */
class TlsSettingsTest {

    @TempDir
    Path dir;

    @Test
    void filesDefaultToDockerCertPath() throws Exception {
        Files.writeString(dir.resolve("cert.pem"), "x");
        Files.writeString(dir.resolve("key.pem"), "x");
        ClientTls tls = TlsSettings.of(null, null, null, Map.of("DOCKER_CERT_PATH", dir.toString()));
        assertEquals(new ClientTls(dir.resolve("ca.pem"), dir.resolve("cert.pem"), dir.resolve("key.pem")), tls);
    }

    @Test
    void withoutDockerCertPathTheyAreInHomesDotDocker() throws Exception {
        Files.createDirectories(dir.resolve(".docker"));
        Files.writeString(dir.resolve(".docker/cert.pem"), "x");
        Files.writeString(dir.resolve(".docker/key.pem"), "x");
        ClientTls tls = TlsSettings.of(null, null, null, Map.of("HOME", dir.toString()));
        assertEquals(dir.resolve(".docker/key.pem"), tls.key());
    }

    @Test
    void flagsWinOverTheDirectory() throws Exception {
        ClientTls tls = TlsSettings.of("/a/ca.pem", "/a/me.pem", "/a/me-key.pem", Map.of("DOCKER_CERT_PATH", dir.toString()));
        assertEquals(new ClientTls(Path.of("/a/ca.pem"), Path.of("/a/me.pem"), Path.of("/a/me-key.pem")), tls);
    }

    @Test
    void absentDefaultClientFilesMeanNoClientCertificate() {
        ClientTls tls = TlsSettings.of(null, null, null, Map.of("DOCKER_CERT_PATH", dir.toString()));
        assertNull(tls.cert());
        assertNull(tls.key());
        assertEquals(dir.resolve("ca.pem"), tls.caCert());
    }

    @Test
    void aCertificateFlagWithoutItsKeyIsAnError() {
        assertEquals("--tlscert needs --tlskey (or key.pem in " + dir + ")", assertThrows(IllegalArgumentException.class,
                () -> TlsSettings.of(null, "/a/me.pem", null, Map.of("DOCKER_CERT_PATH", dir.toString()))).getMessage());
    }

    @Test
    void tlsOptionsBeforeTheVerbStillSelectIt() {
        assertEquals("ps", Verbs.invokedName(new String[] {"-H", "tcp://h:2376", "--tlsverify", "--tlscacert", "c.pem",
                "--tlscert", "cert.pem", "--tlskey", "key.pem", "ps", "-a"}));
        assertEquals("run", Verbs.invokedName(new String[] {"--tlsverify", "--tlscert=cert.pem", "--tlskey=k", "run"}));
    }

    @Test
    void tlsVerifyWithABadFileIsOneLineAndExitOne() {
        CliRun run = CliRun.run("tcp://127.0.0.1:9", "--tlsverify", "--tlscacert", dir.resolve("none.pem").toString(),
                "ps");
        assertEquals(1, run.exitCode());
        assertEquals("tally: ps: TLS with the tally daemon at tcp://127.0.0.1:9 failed: cannot read "
                + dir.resolve("none.pem") + ": no such file\n", run.stderr());
    }
}
