package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import dev.tally.domain.container.ContainerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Containers of a non-admin in a user namespace mapped to the user's /etc/subuid range, with real runc. */
class RemappedContainerTest {

    private static final String USER = "alice";
    private static RealRunc runc;
    private static IdRemap range;

    @BeforeAll
    static void start() throws Exception {
        RealRunc.ensureUserWithSubids(USER);
        range = IdRemap.forUser(USER, Path.of("/etc"));
        runc = new RealRunc();
    }

    @AfterAll
    static void stop() {
        runc.close();
    }

    @Test
    void rootInsideIsTheFirstIdOfTheUsersRangeOutside() throws Exception {
        String id = runc.start(RealRunc.config(List.of("sleep", "60")), USER);
        long pid = runc.runtime.inspect(id).pid();
        assertEquals(range.uidStart() + "\t" + range.uidStart() + "\t" + range.uidStart() + "\t" + range.uidStart(),
                RealRunc.status(pid, "Uid"));
        assertEquals(range.gidStart(), Long.parseLong(RealRunc.status(pid, "Gid").split("\t")[0]));
        RealRunc.Output inside = runc.exec(id, "sh", "-c", "id -u; id -g; cat /proc/self/uid_map");
        assertEquals(0, inside.code(), inside.err());
        String[] lines = inside.out().split("\n");
        assertEquals("0", lines[0]);
        assertEquals("0", lines[1]);
        assertEquals(List.of("0", String.valueOf(range.uidStart()), String.valueOf(range.size())),
                List.of(lines[2].strip().split("\\s+")));
    }

    @Test
    void rootCanWriteToTheRootTmpAndTheImagesOwnDirectories() throws Exception {
        String id = runc.start(RealRunc.config(List.of("sleep", "60")), USER);
        RealRunc.Output w = runc.exec(id, "sh", "-c",
                "echo a > /a && echo b > /tmp/b && echo c > /etc/c && echo d >> /etc/passwd && mkdir /bin/new"
                        + " && chown 1:1 /a && stat -c '%u %U' /etc /bin/busybox /a && cat /a /tmp/b /etc/c");
        assertEquals(0, w.code(), w.err());
        assertEquals("0 root\n0 root\n1 UNKNOWN\na\nb\nc\n", w.out());
        Path upper = runc.dataRoot.resolve("containers").resolve(id).resolve("upper");
        assertEquals((int) range.uidStart(), Files.getAttribute(upper.resolve("tmp/b"), "unix:uid"));
        assertEquals((int) range.uidStart() + 1, Files.getAttribute(upper.resolve("a"), "unix:uid"));
    }

    @Test
    void aRootOnlyHostDirectoryStaysClosedToTheContainersRoot() throws Exception {
        Path secret = Files.createDirectory(runc.root.resolve("secret"));
        Files.writeString(secret.resolve("key"), "s3cret");
        Files.setAttribute(secret, "unix:mode", 0700);
        Files.setAttribute(secret.resolve("key"), "unix:mode", 0600);
        List<ContainerConfig.Mount> bind = List.of(new ContainerConfig.Mount(secret.toString(), "/secret", false));
        ContainerConfig reading = RealRunc.config(List.of("cat", "/secret/key"), bind,
                ContainerConfig.HostAccess.NONE, ContainerConfig.Limits.NONE);
        RealRunc.Output remapped = runc.run(reading, USER);
        assertNotEquals(0, remapped.code());
        assertTrue(remapped.err().contains("Permission denied"), remapped.err());
        RealRunc.Output hostRoot = runc.run(reading, null);
        assertEquals("s3cret", hostRoot.out(), "the same container in the host's namespace reads it: " + hostRoot.err());
    }

    @Test
    void aFreshVolumeGoesToTheRangesRootAndItsFilesStayTheirs() throws Exception {
        new LocalVolumes(runc.dataRoot).create("alicedata");
        List<ContainerConfig.Mount> vol = List.of(new ContainerConfig.Mount("alicedata", "/data", false));
        RealRunc.Output w = runc.run(RealRunc.config(List.of("sh", "-c", "echo x > /data/f && stat -c %u /data"),
                vol, ContainerConfig.HostAccess.NONE, ContainerConfig.Limits.NONE), USER);
        assertEquals(0, w.code(), w.err());
        assertEquals("0\n", w.out());
        Path data = runc.dataRoot.resolve("volumes/alicedata/_data");
        assertEquals((int) range.uidStart(), Files.getAttribute(data.resolve("f"), "unix:uid"));
        Files.setAttribute(data, "unix:uid", 0);
        RemappedFiles.claimFreshVolume(data, range);
        assertEquals(0, Files.getAttribute(data, "unix:uid"), "a volume with files in it is never taken over");
    }

    @Test
    void limitsAndTheLoopbackStillApply() throws Exception {
        ContainerConfig limited = RealRunc.config(List.of("sleep", "60"), List.of(), ContainerConfig.HostAccess.NONE,
                new ContainerConfig.Limits(64L << 20, 0, 20));
        String id = runc.start(limited, USER);
        ContainerCgroup cgroup = CgroupHierarchy.host().container(id);
        assertEquals(java.util.OptionalLong.of(64L << 20), cgroup.memoryLimit(), cgroup.toString());
        assertEquals(java.util.OptionalLong.of(20), cgroup.pidsLimit());
        // lo first: once the pids limit is reached, even runc exec cannot make its threads there
        // until the dead are reaped, which this host does late.
        RealRunc.Output lo = runc.exec(id, "cat", "/sys/class/net/lo/flags");
        assertEquals(0, lo.code(), lo.err());
        assertEquals(1, Integer.decode(lo.out().strip()) & 1, "lo is up: " + lo.out());
        RealRunc.Output forks = runc.exec(id, "sh", "-c", "for i in $(seq 40); do sleep 5 & done; wait");
        assertTrue(forks.err().contains("can't fork") || forks.err().contains("Resource temporarily unavailable"),
                "the pids limit holds inside the user namespace: " + forks.err());
    }

    @Test
    void aTerminalWorksInTheUserNamespace() {
        ContainerConfig tty = new ContainerConfig("busybox", List.of(), List.of("sh", "-c", "tty; stat -c %u /dev/pts/0"),
                List.of(), "", "", "", java.util.Map.of(), true, false, List.of(), ContainerConfig.Limits.NONE, "none",
                false, ContainerConfig.HostAccess.NONE);
        RealRunc.Output r = runc.run(tty, USER);
        assertEquals(0, r.code(), r.err());
        assertEquals("/dev/pts/0\r\n0\r\n", r.out());
    }

    @Test
    void aUserWithoutSubordinateIdsIsTold() {
        DomainException e = assertThrows(DomainException.class,
                () -> runc.create(RealRunc.config(List.of("true")), "tally-no-such-user"));
        assertEquals(DomainException.Kind.INVALID, e.kind());
        assertEquals("no subordinate ids for user tally-no-such-user in /etc/subuid", e.getMessage());
    }

    @Test
    void hostAccessIsRefusedInAUserNamespace() {
        ContainerConfig.HostAccess privileged = new ContainerConfig.HostAccess(true, List.of(), List.of(), List.of(), "");
        DomainException e = assertThrows(DomainException.class, () -> runc.create(RealRunc.config(List.of("true"),
                List.of(), privileged, ContainerConfig.Limits.NONE), USER));
        assertEquals(DomainException.Kind.INVALID, e.kind());
    }
}
