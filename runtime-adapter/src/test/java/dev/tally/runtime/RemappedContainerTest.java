package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import dev.tally.domain.container.ContainerConfig;
import dev.tally.domain.image.ImageStore;
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

    /**
     * The layer that shifts an image's files into a range was kept after the image was removed, in
     * every range that had run it: nothing removed it (seen while adding the crash series' check of remap/).
     */
    @Test
    void anImagesOwnershipLayerIsRemovedWithTheImage() throws Exception {
        try (RealRunc own = new RealRunc()) {
            RealRunc.Output ran = own.run(RealRunc.config(List.of("true")), USER);
            assertEquals(0, ran.code(), ran.err());
            Path layer = ownershipLayer(own);
            assertTrue(Files.isDirectory(layer), "made for the run: " + layer);
            own.images.remove(new ImageStore.Content(ImageStore.Content.IMAGE, own.imageId, 0));
            assertFalse(Files.exists(layer), "removed with the image");
        }
    }

    /** One left by a daemon before this rule, or killed between the two removals, goes at the next start. */
    @Test
    void anOwnershipLayerOfAnImageNoLongerStoredIsRemovedAtStart() throws Exception {
        try (RealRunc own = new RealRunc()) {
            RealRunc.Output ran = own.run(RealRunc.config(List.of("true")), USER);
            assertEquals(0, ran.code(), ran.err());
            Path layer = ownershipLayer(own);
            Path stored = RealRunc.sh("sh", "-c", "ls -d " + own.dataRoot.resolve("images") + "/*.json").lines()
                    .map(Path::of).filter(p -> p.getFileName().toString().startsWith(hex(own.imageId))).findFirst()
                    .orElseThrow();
            Files.delete(stored); // the record gone, its ownership layer left
            own.restarted();
            assertFalse(Files.exists(layer), "removed at start");
            Files.createDirectories(layer.getParent().resolve("making-1"));
            own.restarted();
            assertFalse(Files.exists(layer.getParent().resolve("making-1")), "an unfinished one too");
        }
    }

    private static Path ownershipLayer(RealRunc runc) {
        return runc.dataRoot.resolve("remap").resolve(range.uidStart() + "." + range.gidStart() + "." + range.size())
                .resolve(hex(runc.imageId));
    }

    private static String hex(String imageId) {
        return imageId.substring(imageId.indexOf(':') + 1);
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
