package dev.tally.cli.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys and certificates as openssl 3 writes them, read by the JDK alone. */
class PemFilesTest {

    @TempDir
    Path dir;

    private void openssl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(new File("/dev/null")).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl " + cmd);
    }

    private void selfSigned(String keyAlgorithm, String option) throws Exception {
        openssl("req", "-x509", "-newkey", keyAlgorithm, "-pkeyopt", option, "-nodes", "-keyout",
                dir.resolve("key.pem").toString(), "-days", "1", "-subj", "/CN=alice", "-out",
                dir.resolve("cert.pem").toString());
    }

    @Test
    void ecAndRsaPkcs8KeysLoadForTheirCertificates() throws Exception {
        for (String[] kind : new String[][] {{"ec", "ec_paramgen_curve:P-256", "EC"}, {"rsa", "rsa_keygen_bits:2048", "RSA"}}) {
            selfSigned(kind[0], kind[1]);
            assertTrue(Files.readString(dir.resolve("key.pem")).startsWith("-----BEGIN PRIVATE KEY-----"));
            X509Certificate cert = PemFiles.certificates(dir.resolve("cert.pem")).get(0);
            PrivateKey key = PemFiles.privateKey(dir.resolve("key.pem"), cert);
            assertEquals(kind[2], key.getAlgorithm());
        }
    }

    @Test
    void aTraditionalKeyIsRefusedWithTheCommandThatConvertsIt() throws Exception {
        selfSigned("rsa", "rsa_keygen_bits:2048");
        Path traditional = dir.resolve("old-key.pem");
        openssl("rsa", "-in", dir.resolve("key.pem").toString(), "-traditional", "-out", traditional.toString());
        X509Certificate cert = PemFiles.certificates(dir.resolve("cert.pem")).get(0);
        assertEquals(traditional + " is not an unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY); convert it with: "
                + "openssl pkcs8 -topk8 -nocrypt -in " + traditional,
                assertThrows(IllegalArgumentException.class, () -> PemFiles.privateKey(traditional, cert)).getMessage());
    }

    @Test
    void aFileWithoutCertificatesIsNamed() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertEquals(empty + " holds no certificate",
                assertThrows(IllegalArgumentException.class, () -> PemFiles.certificates(empty)).getMessage());
    }
}
