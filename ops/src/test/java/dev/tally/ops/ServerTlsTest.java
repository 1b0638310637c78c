package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's certificate files, made by ops/make-certs.sh with the real openssl. */
class ServerTlsTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void makeCerts() {
        Daemon.Result made = Daemon.exec(List.of("bash", Path.of(System.getProperty("user.dir"))
                .resolve("make-certs.sh").toString(), dir.resolve("ec").toString(), "alice"), Map.of());
        assertEquals(0, made.code(), made.err());
        made = Daemon.exec(List.of("bash", Path.of(System.getProperty("user.dir")).resolve("make-certs.sh").toString(),
                dir.resolve("rsa").toString(), "bob"), Map.of("TALLY_CERT_KEY", "rsa"));
        assertEquals(0, made.code(), made.err());
    }

    private static TlsFlags flags(Path ca, Path cert, Path key) {
        return new TlsFlags(true, ca, cert, key);
    }

    @Test
    void ecAndRsaFilesFromMakeCertsLoad() {
        for (String kind : List.of("ec", "rsa")) {
            Path d = dir.resolve(kind);
            ServerTls tls = ServerTls.load(flags(d.resolve("ca.pem"), d.resolve("server-cert.pem"),
                    d.resolve("server-key.pem")));
            assertEquals("CN=tallyd", tls.certificate().getSubjectX500Principal().getName());
            assertEquals(1, tls.cas().size());
            assertNull(tls.validityWarning(Instant.now()));
            assertTrue(tls.validityWarning(Instant.now().plusSeconds(400L * 86400)).startsWith("the server certificate expired"));
        }
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() {
        Path ec = dir.resolve("ec");
        String message = assertThrows(IllegalArgumentException.class, () -> ServerTls.load(flags(ec.resolve("ca.pem"),
                ec.resolve("server-cert.pem"), ec.resolve("alice/key.pem")))).getMessage();
        assertEquals("--tlskey " + ec.resolve("alice/key.pem") + " does not belong to the certificate of --tlscert "
                + "(CN=tallyd)", message);
        String otherAlgorithm = assertThrows(IllegalArgumentException.class, () -> ServerTls.load(flags(
                ec.resolve("ca.pem"), ec.resolve("server-cert.pem"), dir.resolve("rsa/server-key.pem")))).getMessage();
        assertTrue(otherAlgorithm.startsWith("--tlskey " + dir.resolve("rsa/server-key.pem") + ": not a EC private key"),
                otherAlgorithm);
    }

    @Test
    void aTraditionalRsaKeyIsRefusedWithTheCommandThatConvertsIt() throws Exception {
        Path rsa = dir.resolve("rsa");
        Path traditional = dir.resolve("traditional-key.pem");
        Daemon.Result converted = Daemon.exec(List.of("openssl", "rsa", "-in", rsa.resolve("server-key.pem").toString(),
                "-traditional", "-out", traditional.toString()), Map.of());
        assertEquals(0, converted.code(), converted.err());
        assertTrue(Files.readString(traditional).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
        String message = assertThrows(IllegalArgumentException.class, () -> ServerTls.load(flags(rsa.resolve("ca.pem"),
                rsa.resolve("server-cert.pem"), traditional))).getMessage();
        assertEquals("--tlskey " + traditional + ": expected an unencrypted PKCS#8 key (BEGIN PRIVATE KEY), found RSA "
                + "PRIVATE KEY; convert it with: openssl pkcs8 -topk8 -nocrypt -in " + traditional, message);
    }

    @Test
    void missingAndNonCertificateFilesAreNamed() throws Exception {
        Path ec = dir.resolve("ec");
        assertEquals("cannot read --tlscacert " + ec.resolve("none.pem") + ": no such file",
                assertThrows(IllegalArgumentException.class, () -> ServerTls.load(flags(ec.resolve("none.pem"),
                        ec.resolve("server-cert.pem"), ec.resolve("server-key.pem")))).getMessage());
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertEquals("--tlscert " + empty + ": holds no certificate",
                assertThrows(IllegalArgumentException.class, () -> ServerTls.load(flags(ec.resolve("ca.pem"), empty,
                        ec.resolve("server-key.pem")))).getMessage());
        String keyAsCa = assertThrows(IllegalArgumentException.class, () -> ServerTls.load(flags(
                ec.resolve("server-key.pem"), ec.resolve("server-cert.pem"), ec.resolve("server-key.pem")))).getMessage();
        assertTrue(keyAsCa.startsWith("--tlscacert " + ec.resolve("server-key.pem") + ": "), keyAsCa);
    }
}
