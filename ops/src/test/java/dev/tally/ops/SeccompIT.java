package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, finding 8: every container runs under Docker's default seccomp profile, read from
 * Debian's file (here a copy under the daemon's root, named with --seccomp-profile, so that a test
 * can take it away); only an admin may ask for {@code --security-opt seccomp=unconfined}; without a
 * readable profile no container starts. The probe: {@code linux32 -R} calls personality(0x40008),
 * which the kernel allows anyone and the profile does not (ENOSYS).
 */
class SeccompIT {

    private static final String PROBE = "grep Seccomp: /proc/self/status; linux32 -R true 2>&1 && echo allowed; true";
    private static final String CONFINED = "Seccomp:\t2\nlinux32: personality(0x40008): Function not implemented\n";

    @BusyboxDaemon(beforeStart = UsersAndProfile.class)
    private static Daemon daemon;
    private static SharedHostUsers users;
    private static Path profile;

    /** alice, bob, carol (admin), and a copy of Debian's profile as the daemon's. */
    static final class UsersAndProfile implements BusyboxDaemon.BeforeStart {
        @Override
        public void prepare(Daemon unstarted) throws Exception {
            new SharedHostUsers.Made().prepare(unstarted);
            Path copy = Files.copy(Path.of("/usr/share/containers/seccomp.json"), unstarted.root.resolve("seccomp.json"));
            unstarted.withArgs("--seccomp-profile", copy.toString());
        }
    }

    @BeforeAll
    static void users() throws Exception {
        users = new SharedHostUsers(daemon);
        profile = daemon.root.resolve("seccomp.json");
    }

    private static Daemon.Result probe(String user, String... options) {
        List<String> args = new java.util.ArrayList<>(List.of("run", "--rm"));
        args.addAll(List.of(options));
        args.addAll(List.of("busybox", "sh", "-c", PROBE));
        return users.docker(user, args.toArray(String[]::new));
    }

    @Test
    void aUsersContainerAndItsExecsRunUnderTheProfile() {
        Daemon.Result run = probe("alice");
        assertEquals(0, run.code(), run.err());
        assertEquals(CONFINED, run.out());
        Daemon.Result started = users.docker("alice", "run", "-d", "--name", "seccomp-alice", "busybox", "sleep", "300");
        assertEquals(0, started.code(), started.err());
        Daemon.Result exec = users.docker("alice", "exec", "seccomp-alice", "sh", "-c", PROBE);
        assertEquals(CONFINED, exec.out(), exec.err());
        Daemon.Result inspect = users.docker("alice", "inspect", "-f", "{{json .HostConfig.SecurityOpt}}", "seccomp-alice");
        assertEquals("null", inspect.out().strip(), inspect.err());
        assertEquals(0, users.docker("alice", "rm", "-f", "seccomp-alice").code());
    }

    @Test
    void anAdminMayRunUnconfinedAndInspectSaysSo() {
        Daemon.Result run = probe("carol", "--security-opt", "seccomp=unconfined");
        assertEquals(0, run.code(), run.err());
        assertEquals("Seccomp:\t0\nallowed\n", run.out());
        assertEquals(CONFINED, probe("carol").out(), "an admin is confined too unless they ask");
        Daemon.Result created = users.docker("carol", "create", "--name", "seccomp-carol", "--security-opt",
                "seccomp=unconfined", "busybox", "true");
        assertEquals(0, created.code(), created.err());
        Daemon.Result inspect = users.docker("carol", "inspect", "-f", "{{json .HostConfig.SecurityOpt}}", "seccomp-carol");
        assertEquals("[\"seccomp=unconfined\"]", inspect.out().strip(), inspect.err());
        assertEquals(0, users.docker("carol", "rm", "seccomp-carol").code());
    }

    @Test
    void aUserAskingForUnconfinedIsDeniedOnTheRecord() {
        Daemon.Result run = users.docker("bob", "run", "--rm", "--name", "seccomp-bob", "--security-opt",
                "seccomp=unconfined", "busybox", "true");
        assertEquals(125, run.code(), run.out());
        assertTrue(run.err().contains("authorization denied: --security-opt is for tally admins only"), run.err());
        Daemon.Result log = daemon.tally("audit", "log", "--denied", "--user", "bob", "--format", "json");
        assertTrue(log.out().lines().anyMatch(l -> l.contains("seccomp-bob") && l.contains("seccomp=unconfined")
                && l.contains("\"code\":403,")), log.out());
        assertEquals("", users.docker("bob", "ps", "-aq").out(), "nothing of it is left");
    }

    @Test
    void withoutItsProfileNoContainerStartsAndAChangedProfileIsReadAgain() throws Exception {
        Path away = daemon.root.resolve("seccomp.json.away");
        Files.move(profile, away);
        try {
            Daemon.Result refused = users.docker("alice", "run", "--name", "seccomp-none", "busybox", "true");
            assertNotEquals(0, refused.code(), refused.out());
            assertTrue(refused.err().contains("cannot load the seccomp profile " + profile + " (no such file)"),
                    refused.err());
            Daemon.Result state = users.docker("alice", "inspect", "-f", "{{.State.Status}} {{.State.Error}}", "seccomp-none");
            assertTrue(state.out().startsWith("created cannot load the seccomp profile"), state.out() + state.err());
            Daemon.Result audit = daemon.tally("audit", "log", "--user", "alice", "--format", "json");
            assertTrue(audit.out().lines().anyMatch(l -> l.contains("container.start")
                    && l.contains("cannot load the seccomp profile")), audit.out());
            assertEquals(0, users.docker("alice", "rm", "seccomp-none").code());
            Daemon.Result unconfined = probe("carol", "--security-opt", "seccomp=unconfined");
            assertEquals("Seccomp:\t0\nallowed\n", unconfined.out(), "what an admin asked unconfined needs no profile: "
                    + unconfined.err());

            Files.writeString(profile, Files.readString(away).replace("\"defaultErrnoRet\": 38", "\"defaultErrnoRet\": 1"));
            assertEquals("Seccomp:\t2\nlinux32: personality(0x40008): Operation not permitted\n", probe("alice").out(),
                    "the profile as it is now");
        } finally {
            Files.move(away, profile, StandardCopyOption.REPLACE_EXISTING);
        }
        assertEquals(CONFINED, probe("alice").out());
    }
}
