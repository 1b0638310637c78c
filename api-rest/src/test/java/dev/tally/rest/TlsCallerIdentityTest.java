package dev.tally.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsCallerIdentityTest {

    @TempDir
    Path dir;

    private Path passwd() throws Exception {
        return Files.writeString(dir.resolve("passwd"), """
                root:x:0:0:root:/root:/bin/bash
                alice:x:1001:1001::/home/alice:/bin/sh
                """);
    }

    private Path group() throws Exception {
        return Files.writeString(dir.resolve("group"), """
                root:x:0:
                alice:x:1001:
                tally:x:990:alice,bob
                tally-admin:x:991:bob
                """);
    }

    @Test
    void aCnThatIsAHostUserGetsItsUidGidAndGroups() throws Exception {
        Actor alice = TlsCallerIdentity.actor("alice", "tcp:10.0.0.7:51234", passwd(), group());
        assertEquals(new Actor(1001, 1001, "alice", 0, "tcp:10.0.0.7:51234 cn=alice", List.of("alice", "tally"), null, ""),
                alice);
    }

    @Test
    void aCnThatIsNoHostUserHasNoUidAndNoGroups() throws Exception {
        Actor carol = TlsCallerIdentity.actor("carol", "tcp:[::1]:4000", passwd(), group());
        assertEquals(new Actor(-1, -1, "carol", 0, "tcp:[::1]:4000 cn=carol", List.of(), null, ""), carol);
    }

    @Test
    void theCnIsTheSubjectsOnlyCommonName() throws Exception {
        assertEquals("alice", TlsCallerIdentity.commonName(certificate("/O=Example/OU=ops/CN=alice")));
    }

    @Test
    void subjectsWithoutOneUsableCnAreDenied() throws Exception {
        for (String subject : List.of("/O=Example", "/CN=alice/CN=bob", "/CN=alice smith", "/CN=alice\\,x=y")) {
            X509Certificate certificate = certificate(subject);
            DomainException e = assertThrows(DomainException.class, () -> TlsCallerIdentity.commonName(certificate),
                    subject);
            assertEquals(DomainException.Kind.DENIED, e.kind());
            assertTrue(e.getMessage().startsWith("the client certificate's"), e.getMessage());
        }
    }

    /** A self-signed certificate with this subject, made by the real openssl. */
    private X509Certificate certificate(String subject) throws Exception {
        Path pem = dir.resolve("cert.pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-keyout", dir.resolve("key.pem").toString(), "-days", "1",
                "-subj", subject, "-out", pem.toString())
                .redirectErrorStream(true).redirectOutput(new File("/dev/null")).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl made " + subject);
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
