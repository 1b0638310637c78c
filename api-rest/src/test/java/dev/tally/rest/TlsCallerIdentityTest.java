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
import java.util.Map;
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
                toor:x:0:0:root alias:/root:/bin/sh
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

    private static final Map<String, String> TLS_USERS = Map.of("alice", "alice", "carol", "carol",
            "ops-root", "root", "toor-cn", "toor", "ci.example.org", "alice");

    @Test
    void aCnMappedToAHostUserGetsItsUidGidAndGroups() throws Exception {
        Actor alice = TlsCallerIdentity.actor("alice", "tcp:10.0.0.7:51234", TLS_USERS, passwd(), group());
        assertEquals(new Actor(1001, 1001, "alice", 0, "tcp:10.0.0.7:51234 cn=alice", List.of("alice", "tally"), null, ""),
                alice);
        Actor ci = TlsCallerIdentity.actor("ci.example.org", "tcp:10.0.0.8:1", TLS_USERS, passwd(), group());
        assertEquals(new Actor(1001, 1001, "alice", 0, "tcp:10.0.0.8:1 cn=ci.example.org", List.of("alice", "tally"),
                null, ""), ci, "the policy's user, whatever the CN; the source keeps the CN");
    }

    @Test
    void aCnMappedToANameWithoutAnAccountIsARemoteOnlyUser() throws Exception {
        Actor carol = TlsCallerIdentity.actor("carol", "tcp:[::1]:4000", TLS_USERS, passwd(), group());
        assertEquals(new Actor(-1, -1, "carol", 0, "tcp:[::1]:4000 cn=carol", List.of(), null, ""), carol);
    }

    @Test
    void rootIsOnlyTheCnThePolicyMapsToRootByName() throws Exception {
        Actor root = TlsCallerIdentity.actor("ops-root", "tcp:10.0.0.7:1", TLS_USERS, passwd(), group());
        assertEquals(0, root.uid());
        assertEquals("root", root.user());
        TlsCallerIdentity.Refused cnRoot = assertThrows(TlsCallerIdentity.Refused.class,
                () -> TlsCallerIdentity.actor("root", "tcp:10.0.0.7:1", TLS_USERS, passwd(), group()));
        assertEquals(DomainException.Kind.DENIED, cnRoot.kind());
        assertTrue(cnRoot.getMessage().startsWith("authorization denied: the client certificate's CN root is no user"
                + " of this daemon"), cnRoot.getMessage());
        assertEquals(new Actor(-1, -1, "cn=root", 0, "tcp:10.0.0.7:1 cn=root", List.of(), null, ""), cnRoot.claimed(),
                "recorded as what it claimed, never as root");
        TlsCallerIdentity.Refused alias = assertThrows(TlsCallerIdentity.Refused.class,
                () -> TlsCallerIdentity.actor("toor-cn", "tcp:10.0.0.7:1", TLS_USERS, passwd(), group()));
        assertTrue(alias.getMessage().contains("maps to toor, an account with uid 0"), alias.getMessage());
    }

    @Test
    void withoutAPolicyNoCertificateIsAnyone() throws Exception {
        for (String cn : List.of("alice", "root")) {
            TlsCallerIdentity.Refused e = assertThrows(TlsCallerIdentity.Refused.class,
                    () -> TlsCallerIdentity.actor(cn, "tcp:10.0.0.7:1", Map.of(), passwd(), group()));
            assertTrue(e.getMessage().contains("tlsUsers does not map it"), e.getMessage());
        }
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
