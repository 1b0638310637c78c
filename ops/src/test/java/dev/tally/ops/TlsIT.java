package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TCP with mutual TLS, end to end: a real tallyd on 127.0.0.1 with certificates made by
 * ops/make-certs.sh and a policy that maps their CNs to users (tlsUsers), the real docker CLI and
 * tally CLI with good certificates, certificates the policy does not map or with two CNs (issue 10,
 * finding 8: refused and recorded), certificates from another CA, and none; plain HTTP to the TLS
 * port; and the flags tallyd must refuse.
 */
class TlsIT {

    /** A CN no host has as a user, mapped to itself by the policy: a remote-only user, uid -1. */
    private static final String STRANGER = "mtls-it-carol";
    /** A CN from the daemon's CA that the policy does not map. */
    private static final String UNMAPPED = "mtls-it-unmapped";

    @BusyboxDaemon(beforeStart = MutualTls.class)
    private static Daemon daemon;
    private static Path certs;
    private static Path otherCa;
    private static String host;

    /**
     * Certificates from two CAs (the daemon's own and another) under the daemon's root, which goes
     * with it, and tallyd serving mutual TLS on 127.0.0.1.
     */
    static final class MutualTls implements BusyboxDaemon.BeforeStart {
        @Override
        public void prepare(Daemon unstarted) throws Exception {
            Path work = Files.createDirectories(unstarted.root.resolve("tls"));
            certs = work.resolve("ca");
            otherCa = work.resolve("other-ca");
            subordinateIdsFor(STRANGER, 1_500_000_000L);
            subordinateIdsFor("rsa-user", 1_500_065_536L);
            makeCerts(certs, Map.of(), STRANGER, "root", UNMAPPED, "mtls-ops");
            makeCerts(certs, Map.of("TALLY_CERT_KEY", "rsa"), "rsa-user");
            makeCerts(otherCa, Map.of(), STRANGER);
            Path policy = Files.writeString(work.resolve("policy.json"), "{\"tlsUsers\": {\"" + STRANGER + "\": \""
                    + STRANGER + "\", \"rsa-user\": \"rsa-user\", \"mtls-ops\": \"root\"}}");
            unstarted.withArgs("--policy", policy.toString(), "-H", "tcp://127.0.0.1:0", "--tlsverify",
                    "--tlscacert", certs.resolve("ca.pem").toString(),
                    "--tlscert", certs.resolve("server-cert.pem").toString(),
                    "--tlskey", certs.resolve("server-key.pem").toString());
        }
    }

    @BeforeAll
    static void findTheTcpPort() throws Exception {
        host = "tcp://127.0.0.1:" + daemon.tcpPort();
    }

    /**
     * What an admin does for a remote-only user: subordinate ids by name, without a host account.
     * Ordinary users' containers run in a user namespace on their range.
     */
    private static void subordinateIdsFor(String user, long first) throws java.io.IOException {
        for (String file : List.of("/etc/subuid", "/etc/subgid")) {
            Path p = Path.of(file);
            String now = Files.exists(p) ? Files.readString(p) : "";
            if (now.lines().noneMatch(l -> l.startsWith(user + ":"))) {
                Files.writeString(p, now + (now.isEmpty() || now.endsWith("\n") ? "" : "\n") + user + ":" + first + ":65536\n");
            }
        }
    }

    private static void makeCerts(Path dir, Map<String, String> env, String... cns) {
        List<String> cmd = new java.util.ArrayList<>(List.of("bash",
                Path.of(System.getProperty("user.dir")).resolve("make-certs.sh").toString(), dir.toString()));
        cmd.addAll(List.of(cns));
        Daemon.Result made = Daemon.exec(cmd, env);
        assertEquals(0, made.code(), made.err());
    }

    private static Map<String, String> dockerEnv(Path certDir) {
        return Map.of("DOCKER_HOST", host, "DOCKER_TLS_VERIFY", "1", "DOCKER_CERT_PATH", certDir.toString());
    }

    private static Daemon.Result tallyTls(Path certDir, String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("-H", host, "--tlsverify",
                "--tlscacert", certDir.resolve("ca.pem").toString(),
                "--tlscert", certDir.resolve("cert.pem").toString(),
                "--tlskey", certDir.resolve("key.pem").toString()));
        all.addAll(List.of(args));
        return Daemon.tallyWith(Map.of(), all.toArray(new String[0]));
    }

    /** The stored events of the container named {@code name}, as `tally events` prints them over the socket. */
    private static List<String> eventsOf(String name) {
        Daemon.Result events = daemon.tally("events", "--since", "30m", "--until", "0s");
        assertEquals(0, events.code(), events.err());
        return events.out().lines().filter(l -> l.contains("name=" + name + ",") || l.contains("name=" + name + ")"))
                .collect(Collectors.toList());
    }

    private static void assertOneLineWithoutTrace(String err) {
        assertEquals(1, err.strip().lines().count(), "one line: " + err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
    }

    @Test
    void dockerCliWithAGoodCertificateRunsContainersRecordedAsItsCn() throws Exception {
        Path client = certs.resolve(STRANGER);
        Daemon.Result ps = Daemon.dockerWith(dockerEnv(client), null, "ps");
        assertEquals(0, ps.code(), ps.err());
        assertTrue(ps.out().startsWith("CONTAINER ID"), ps.out());
        Daemon.Result run = Daemon.dockerWith(dockerEnv(client), null, "run", "--rm", "--name", "tls-docker-1",
                "busybox", "echo", "hi");
        assertEquals(0, run.code(), run.err());
        assertEquals("hi\n", run.out());
        List<String> events = eventsOf("tls-docker-1");
        String create = events.stream().filter(l -> l.contains(" container create ")).findFirst().orElseThrow(
                () -> new AssertionError("no create event: " + events));
        assertTrue(create.matches(".*tally\\.source=tcp:127\\.0\\.0\\.1:[0-9]+ cn=" + STRANGER + ",.*"), create);
        assertTrue(create.contains("tally.user=" + STRANGER), create);
        assertTrue(create.contains("tally.uid=-1"), "a CN that is no host user has no uid: " + create);
        assertTrue(events.stream().anyMatch(l -> l.contains(" container start ") && l.contains("cn=" + STRANGER)),
                "the start is the CN's too: " + events);
    }

    @Test
    void dockerCliStdinEndsOverTls() throws Exception {
        Path input = Files.writeString(certs.getParent().resolve("docker-stdin.txt"), "one\ntwo\n");
        Daemon.Result cat = Daemon.dockerWith(dockerEnv(certs.resolve(STRANGER)), input, "run", "--rm", "-i",
                "busybox", "sh", "-c", "cat; echo end");
        assertEquals(0, cat.code(), cat.err());
        assertEquals("one\ntwo\nend\n", cat.out());
        // more than the daemon queues (1 MiB) for a container that reads a second later: reading the
        // TLS connection stops and resumes, and the end (close_notify) still comes after every byte
        Path large = certs.getParent().resolve("docker-stdin.bin");
        Files.write(large, new byte[4_000_000]);
        Daemon.Result count = Daemon.dockerWith(dockerEnv(certs.resolve(STRANGER)), large, "run", "--rm", "-i",
                "busybox", "sh", "-c", "sleep 1; wc -c");
        assertEquals(0, count.code(), count.err());
        assertEquals("4000000", count.out().strip());
    }

    @Test
    void tallyCliWithFlagsRunsContainersRecordedAsItsCn() {
        Path client = certs.resolve(STRANGER);
        Daemon.Result ps = tallyTls(client, "ps");
        assertEquals(0, ps.code(), ps.err());
        assertTrue(ps.out().startsWith("CONTAINER ID"), ps.out());
        Daemon.Result run = tallyTls(client, "run", "--rm", "--name", "tls-tally-1", "busybox", "echo", "hi");
        assertEquals(0, run.code(), run.err());
        assertEquals("hi\n", run.out());
        String create = eventsOf("tls-tally-1").stream().filter(l -> l.contains(" container create ")).findFirst()
                .orElseThrow();
        assertTrue(create.matches(".*tally\\.source=tcp:127\\.0\\.0\\.1:[0-9]+ cn=" + STRANGER + ",.*"), create);
        assertTrue(create.contains("tally.user=" + STRANGER), create);
    }

    @Test
    void tallyCliTakesDockersEnvironmentAndAnRsaKey() {
        Map<String, String> env = Map.of("TALLY_HOST", host, "DOCKER_TLS_VERIFY", "1",
                "DOCKER_CERT_PATH", certs.resolve("rsa-user").toString());
        Daemon.Result run = Daemon.tallyWith(env, "run", "--rm", "--name", "tls-tally-rsa", "busybox", "echo", "rsa");
        assertEquals(0, run.code(), run.err());
        assertEquals("rsa\n", run.out());
        assertTrue(eventsOf("tls-tally-rsa").stream().anyMatch(l -> l.contains(" container create ")
                && l.contains("cn=rsa-user") && l.contains("tally.user=rsa-user")));
    }

    @Test
    void onlyTheCnThePolicyMapsToRootIsRoot() {
        Daemon.Result run = tallyTls(certs.resolve("mtls-ops"), "run", "--rm", "--name", "tls-root-1", "busybox", "true");
        assertEquals(0, run.code(), run.err());
        String create = eventsOf("tls-root-1").stream().filter(l -> l.contains(" container create ")).findFirst()
                .orElseThrow();
        assertTrue(create.contains("cn=mtls-ops") && create.contains("tally.uid=0") && create.contains("tally.user=root"),
                create);

        Daemon.Result cnRoot = Daemon.dockerWith(dockerEnv(certs.resolve("root")), null, "run", "--rm", "--name",
                "tls-root-2", "busybox", "true");
        assertEquals(125, cnRoot.code(), cnRoot.out());
        assertTrue(cnRoot.err().contains("authorization denied: the client certificate's CN root is no user of this "
                + "daemon"), cnRoot.err());
        assertTrue(refusedIdentities().stream().anyMatch(l -> l.contains("cn=root") && l.contains("POST")), "recorded");
        assertEquals("", daemon.docker("ps", "-aq", "--filter", "name=tls-root-2").out(), "nothing was created");
    }

    @Test
    void aCertificateThePolicyDoesNotMapIsRefusedOnTheRecord() {
        Daemon.Result docker = Daemon.dockerWith(dockerEnv(certs.resolve(UNMAPPED)), null, "ps");
        assertEquals(1, docker.code(), docker.out());
        assertTrue(docker.err().contains("the client certificate's CN " + UNMAPPED + " is no user of this daemon: the "
                + "policy's tlsUsers does not map it"), docker.err());
        Daemon.Result tally = tallyTls(certs.resolve(UNMAPPED), "ps");
        assertEquals(1, tally.code(), tally.err());
        assertOneLineWithoutTrace(tally.err());
        List<String> refused = refusedIdentities();
        assertTrue(refused.stream().filter(l -> l.contains("cn=" + UNMAPPED) && l.contains("GET /")).count() >= 2,
                "both requests are on the record: " + refused);
    }

    @Test
    void aSubjectWithTwoCnsIsRefusedOnTheRecord() throws Exception {
        Path two = Files.createDirectories(certs.getParent().resolve("two-cns"));
        Files.copy(certs.resolve("ca.pem"), two.resolve("ca.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String ext = two.resolve("ext.cnf").toString();
        Files.writeString(two.resolve("ext.cnf"), "extendedKeyUsage = clientAuth\n");
        for (List<String> step : List.of(
                List.of("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-out", two.resolve("key.pem").toString()),
                List.of("openssl", "req", "-new", "-key", two.resolve("key.pem").toString(), "-subj",
                        "/CN=" + STRANGER + "/CN=root", "-out", two.resolve("req.csr").toString()),
                List.of("openssl", "x509", "-req", "-in", two.resolve("req.csr").toString(), "-CA",
                        certs.resolve("ca.pem").toString(), "-CAkey", certs.resolve("ca-key.pem").toString(),
                        "-set_serial", "4242", "-days", "1", "-sha256", "-extfile", ext,
                        "-out", two.resolve("cert.pem").toString()))) {
            Daemon.Result made = Daemon.exec(step, Map.of());
            assertEquals(0, made.code(), step + ": " + made.err());
        }
        Daemon.Result docker = Daemon.dockerWith(dockerEnv(two), null, "ps");
        assertEquals(1, docker.code(), docker.out());
        assertTrue(docker.err().contains("the client certificate's subject must have exactly one CN"), docker.err());
        assertTrue(refusedIdentities().stream().anyMatch(l -> l.contains("subject=CN=root,CN=" + STRANGER)
                || l.contains("subject=CN=" + STRANGER + ",CN=root")), "recorded: " + refusedIdentities());
    }

    /** The refused client certificates in the audit log, as JSON lines. */
    private static List<String> refusedIdentities() {
        Daemon.Result log = daemon.tally("audit", "log", "--denied", "--format", "json");
        assertEquals(0, log.code(), log.err());
        return log.out().lines().filter(l -> l.contains("tls.identify")).collect(Collectors.toList());
    }

    @Test
    void tallyCliStdinAndExitCodeOverTls() throws Exception {
        Path input = Files.writeString(certs.getParent().resolve("tally-stdin.txt"), "a\nb\n");
        List<String> cmd = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "dev.tally.cli.TallyCli", "-H", host, "run", "--rm", "-i",
                "busybox", "sh", "-c", "cat; echo end; exit 4"));
        Map<String, String> env = Map.of("DOCKER_TLS_VERIFY", "1",
                "DOCKER_CERT_PATH", certs.resolve(STRANGER).toString());
        Daemon.Result cat = Daemon.exec(cmd, env, input);
        assertEquals(4, cat.code(), cat.err());
        assertEquals("a\nb\nend\n", cat.out(), "output goes on after the end of stdin");
    }

    @Test
    void aClientCertificateFromAnotherCaIsRefused() throws Exception {
        long refusedBefore = refusedHandshakes();
        Path mixed = certs.getParent().resolve("mixed");
        Files.createDirectories(mixed);
        Files.copy(certs.resolve("ca.pem"), mixed.resolve("ca.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(otherCa.resolve(STRANGER + "/cert.pem"), mixed.resolve("cert.pem"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(otherCa.resolve(STRANGER + "/key.pem"), mixed.resolve("key.pem"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        Daemon.Result tally = tallyTls(mixed, "ps");
        assertEquals(1, tally.code(), tally.err());
        assertTrue(tally.err().startsWith("tally: ps: TLS with the tally daemon at " + host + " failed: the daemon "
                + "refused the client certificate " + mixed.resolve("cert.pem")), tally.err());
        assertOneLineWithoutTrace(tally.err());
        Daemon.Result run = tallyTls(mixed, "run", "--rm", "busybox", "true");
        assertEquals(125, run.code(), run.err());
        assertOneLineWithoutTrace(run.err());

        Daemon.Result docker = Daemon.dockerWith(dockerEnv(mixed), null, "ps");
        assertNotEquals(0, docker.code());
        assertTrue(docker.err().contains("certificate"), docker.err());
        // Three attempts, three refused handshakes in the daemon's log.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> refusedHandshakes() >= refusedBefore + 3);
    }

    private static long refusedHandshakes() throws java.io.IOException {
        // The wording depends on who gives up first: the daemon on a foreign or missing certificate
        // (PKIX path building failed, Empty client certificate chain) or the client seeing it
        // cannot answer the daemon's request (Received fatal alert: certificate_unknown).
        return daemon.log().lines().filter(l -> l.contains("TLS handshake refused: ")).count();
    }

    @Test
    void theServersCertificateIsNoClientCertificate() throws Exception {
        Path server = certs.getParent().resolve("server-as-client");
        Files.createDirectories(server);
        Files.copy(certs.resolve("ca.pem"), server.resolve("ca.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(certs.resolve("server-cert.pem"), server.resolve("cert.pem"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(certs.resolve("server-key.pem"), server.resolve("key.pem"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Daemon.Result tally = tallyTls(server, "ps");
        assertEquals(1, tally.code(), tally.err());
        assertTrue(tally.err().contains("refused the client certificate"), tally.err());
        assertTrue(daemon.log().contains("does not permit use for TLS client authentication"), daemon.log());
    }

    @Test
    void noClientCertificateIsRefused() throws Exception {
        Path caOnly = certs.getParent().resolve("ca-only");
        Files.createDirectories(caOnly);
        Files.copy(certs.resolve("ca.pem"), caOnly.resolve("ca.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Map<String, String> env = Map.of("TALLY_HOST", host, "DOCKER_TLS_VERIFY", "1",
                "DOCKER_CERT_PATH", caOnly.toString());

        Daemon.Result tally = Daemon.tallyWith(env, "ps");
        assertEquals(1, tally.code(), tally.err());
        assertEquals("tally: ps: TLS with the tally daemon at " + host + " failed: the daemon requires a client "
                + "certificate: give --tlscert and --tlskey (or cert.pem and key.pem in DOCKER_CERT_PATH)\n", tally.err());

        Daemon.Result docker = Daemon.dockerWith(dockerEnv(caOnly), null, "ps");
        assertNotEquals(0, docker.code());
        assertTrue(docker.err().contains("certificate"), docker.err());
        // the JDK's own words for it vary between updates (17.0.21 puts "(certificate_required)" first)
        assertTrue(daemon.log().lines().anyMatch(l -> l.contains("TLS handshake refused: ")
                && l.contains("Empty client certificate chain")), daemon.log());
    }

    @Test
    void aDaemonCertificateFromAnotherCaIsRefusedByTheClient() {
        Path client = otherCa.resolve(STRANGER);
        Daemon.Result tally = tallyTls(client, "ps");
        assertEquals(1, tally.code(), tally.err());
        assertEquals("tally: ps: TLS with the tally daemon at " + host + " failed: the daemon's certificate is not "
                + "issued by the CA in " + client.resolve("ca.pem") + "\n", tally.err());
    }

    @Test
    void plainHttpToTheTlsPortGetsNoAnswer() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", daemon.tcpPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /_ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] answer = in.readNBytes(5);
            assertFalse(new String(answer, StandardCharsets.US_ASCII).startsWith("HTTP/"), "no HTTP answer");
        } catch (java.net.SocketException reset) {
            // refused by a reset: no HTTP answer either
        }
        Daemon.Result tally = Daemon.tallyWith(Map.of(), "-H", host, "ps");
        assertEquals(1, tally.code(), tally.err());
        assertTrue(tally.err().contains("does it require TLS? use --tlsverify"), tally.err());
        assertOneLineWithoutTrace(tally.err());
        Daemon.Result docker = Daemon.dockerWith(Map.of("DOCKER_HOST", host), null, "ps");
        assertNotEquals(0, docker.code(), docker.out());
    }

    @Test
    void tallydRefusesPlainTcpOffLoopbackAndBadCertificateFiles() throws Exception {
        Path root = certs.getParent().resolve("refusing");
        Daemon.Result plain = Daemon.tallydRefusing(root, "-H", "tcp://0.0.0.0:0");
        assertEquals(2, plain.code(), plain.out() + plain.err());
        assertTrue(plain.err().startsWith("tallyd: refusing plain TCP on tcp://0.0.0.0:0"), plain.err());

        Daemon.Result insecureOutside = Daemon.tallydRefusing(root, "-H", "tcp://0.0.0.0:0", "--insecure-tcp");
        assertEquals(2, insecureOutside.code(), insecureOutside.err());
        assertTrue(insecureOutside.err().startsWith("tallyd: --insecure-tcp serves loopback addresses only"),
                insecureOutside.err());

        Daemon.Result mismatched = Daemon.tallydRefusing(root, "-H", "tcp://127.0.0.1:0", "--tlsverify",
                "--tlscacert", certs.resolve("ca.pem").toString(),
                "--tlscert", certs.resolve("server-cert.pem").toString(),
                "--tlskey", otherCa.resolve("server-key.pem").toString());
        assertEquals(1, mismatched.code(), mismatched.err());
        assertEquals("tallyd: cannot start: --tlskey " + otherCa.resolve("server-key.pem") + " does not belong to the "
                + "certificate of --tlscert (CN=tallyd)", mismatched.err().strip());

        Daemon.Result missing = Daemon.tallydRefusing(root, "-H", "tcp://127.0.0.1:0", "--tlsverify",
                "--tlscacert", certs.resolve("nothing-here.pem").toString(),
                "--tlscert", certs.resolve("server-cert.pem").toString(),
                "--tlskey", certs.resolve("server-key.pem").toString());
        assertEquals(1, missing.code(), missing.err());
        assertEquals("tallyd: cannot start: cannot read --tlscacert " + certs.resolve("nothing-here.pem")
                + ": no such file", missing.err().strip());
    }

    @Test
    void insecureTcpOnLoopbackIsLoggedAndAnswersOnlyPingAndVersion() throws Exception {
        // set up apart: a daemon that serves no one to run containers for needs no busybox
        try (Daemon insecure = new Daemon().withArgs("-H", "tcp://127.0.0.1:0", "--insecure-tcp").start()) {
            assertTrue(insecure.log().contains("tallyd: WARNING: --insecure-tcp: plain TCP on tcp://127.0.0.1:0 "
                    + "identifies nobody"), insecure.log());
            String plainHost = "tcp://127.0.0.1:" + insecure.tcpPort();
            Daemon.Result version = Daemon.dockerWith(Map.of("DOCKER_HOST", plainHost), null, "version",
                    "--format", "{{.Server.Version}}");
            assertEquals(0, version.code(), version.err());
            assertEquals(Tallyd.VERSION + "\n", version.out());
            Daemon.Result ps = Daemon.dockerWith(Map.of("DOCKER_HOST", plainHost), null, "ps");
            assertEquals(1, ps.code());
            assertTrue(ps.err().contains("anonymous callers (plain TCP) may only ping the daemon and read its version"),
                    ps.err());
            Daemon.Result tally = Daemon.tallyWith(Map.of(), "-H", plainHost, "run", "--rm", "busybox", "true");
            assertEquals(125, tally.code());
            assertOneLineWithoutTrace(tally.err());
            assertTrue(tally.err().contains("anonymous callers"), tally.err());
        }
    }
}
