package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DaemonOptionsTest {

    private static DaemonOptions parse(String... args) {
        return DaemonOptions.parse(args, Map.of(), "/home/op");
    }

    private static String refusal(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> parse(args)).getMessage();
    }

    @Test
    void tcpWithTlsVerifyTakesDockerdsFlags() {
        DaemonOptions o = parse("-H", "unix:///run/t.sock", "-H", "tcp://127.0.0.1:2376", "--tlsverify",
                "--tlscacert", "/c/ca.pem", "--tlscert=/c/server-cert.pem", "--tlskey", "/c/server-key.pem");
        assertEquals(List.of(new TcpAddress("127.0.0.1", 2376)), o.tcpHosts());
        assertEquals(List.of(Path.of("/run/t.sock")), o.unixSockets());
        assertEquals(new TlsFlags(true, Path.of("/c/ca.pem"), Path.of("/c/server-cert.pem"), Path.of("/c/server-key.pem")),
                o.tls());
        assertFalse(o.insecureTcp());
    }

    @Test
    void aRegistryMayStaySilentThirtySecondsUnlessTheFlagSaysOtherwise() {
        assertEquals(java.time.Duration.ofSeconds(30), parse().registries().idle());
        assertEquals(java.time.Duration.ofMillis(2500), parse("--registry-timeout", "2.5").registries().idle());
        assertTrue(refusal("--registry-timeout", "0").startsWith("--registry-timeout needs a number of seconds"));
        assertTrue(refusal("--registry-timeout=soon").startsWith("--registry-timeout needs a number of seconds"));
    }

    @Test
    void tlsVerifyWithoutFilesUsesDockersDefaults() {
        assertEquals(Path.of("/home/op/.docker/key.pem"), parse("-H", "tcp://0.0.0.0:2376", "--tlsverify").tls().key());
        DaemonOptions fromEnv = DaemonOptions.parse(new String[] {"-H", "tcp://0.0.0.0:2376", "--tlsverify"},
                Map.of("DOCKER_CERT_PATH", "/etc/tally/tls"), "/home/op");
        assertEquals(Path.of("/etc/tally/tls/ca.pem"), fromEnv.tls().caCert());
    }

    @Test
    void thePortDefaultsLikeDockerdsAndZeroAsksForAFreeOne() {
        assertEquals(2376, parse("-H", "tcp://127.0.0.1", "--tlsverify").tcpHosts().get(0).port());
        assertEquals(2375, parse("-H", "tcp://127.0.0.1", "--insecure-tcp").tcpHosts().get(0).port());
        assertEquals(0, parse("-H", "tcp://[::1]:0", "--insecure-tcp").tcpHosts().get(0).port());
        assertEquals("::1", parse("-H", "tcp://[::1]:0", "--insecure-tcp").tcpHosts().get(0).host());
    }

    @Test
    void plainTcpIsRefusedWithoutTlsVerifyOrInsecureTcp() {
        assertTrue(refusal("-H", "tcp://0.0.0.0:2375").startsWith("refusing plain TCP on tcp://0.0.0.0:2375"));
        assertTrue(refusal("-H", "tcp://127.0.0.1:2375").startsWith("refusing plain TCP"));
    }

    @Test
    void insecureTcpIsForLoopbackOnly() {
        assertTrue(parse("-H", "tcp://127.0.0.1:2375", "--insecure-tcp").insecureTcp());
        assertTrue(parse("-H", "tcp://localhost:2375", "--insecure-tcp").insecureTcp());
        assertTrue(refusal("-H", "tcp://0.0.0.0:2375", "--insecure-tcp")
                .startsWith("--insecure-tcp serves loopback addresses only, not tcp://0.0.0.0:2375"));
        assertTrue(refusal("-H", "tcp://10.1.2.3:2375", "--insecure-tcp").contains("not tcp://10.1.2.3:2375"));
    }

    @Test
    void contradictoryOrUselessTcpFlagsAreRefused() {
        assertTrue(refusal("-H", "tcp://127.0.0.1:1", "--insecure-tcp", "--tlsverify").contains("exclude each other"));
        assertTrue(refusal("--insecure-tcp").startsWith("--insecure-tcp needs a loopback TCP host"));
        assertTrue(refusal("-H", "tcp://127.0.0.1:1", "--tls").startsWith("--tls without --tlsverify is not served"));
        assertTrue(refusal("-H", "fd://").startsWith("unsupported host fd://"));
        assertTrue(refusal("-H", "tcp://127.0.0.1:x", "--tlsverify").contains("the port is not a number"));
        assertTrue(refusal("--tlsverify=maybe").startsWith("not a boolean"));
    }

    @Test
    void withoutHostsTheSocketUnderTheExecRootIsServed() {
        DaemonOptions o = parse("--exec-root", "/run/x");
        assertEquals(List.of(Path.of("/run/x/tally.sock")), o.unixSockets());
        assertTrue(o.tcpHosts().isEmpty());
    }

    @Test
    void theSeccompProfileIsDebiansUnlessNamed() {
        assertEquals(Path.of("/usr/share/containers/seccomp.json"), parse().seccompProfile());
        assertEquals(Path.of("/etc/tally/seccomp.json"), parse("--seccomp-profile", "/etc/tally/seccomp.json").seccompProfile());
        assertTrue(refusal("--seccomp-profile").contains("--seccomp-profile"));
    }
}
