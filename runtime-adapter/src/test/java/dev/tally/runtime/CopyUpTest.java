package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import dev.tally.domain.container.ContainerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Copy-up at create with real runc: an empty volume over the image's files starts with them, as with dockerd. */
class CopyUpTest {

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

    private static Path volume(String name) {
        new LocalVolumes(runc.dataRoot).create(name);
        return runc.dataRoot.resolve("volumes").resolve(name).resolve("_data");
    }

    private static ContainerConfig over(String cmd, ContainerConfig.Mount mount) {
        return RealRunc.config(List.of("sh", "-c", cmd), List.of(mount), ContainerConfig.HostAccess.NONE,
                ContainerConfig.Limits.NONE);
    }

    @Test
    void anEmptyVolumeOverTheImagesFilesHasThemWhenTheContainerRuns() throws IOException {
        Path data = volume("etcroot");
        RealRunc.Output r = runc.run(over("grep -c ^root: /etc/passwd; stat -c %u /etc/passwd",
                new ContainerConfig.Mount("etcroot", "/etc", false)), null);
        assertEquals("1\n0\n", r.out(), r.err());
        assertTrue(Files.readString(data.resolve("passwd")).startsWith("root:"), "the volume holds the image's passwd");
        assertEquals(0, Files.getAttribute(data.resolve("passwd"), "unix:uid"));
    }

    @Test
    void aRemappedContainersVolumeGetsTheFilesInItsRangeAsItSeesThem() throws IOException {
        Path data = volume("etcalice");
        RealRunc.Output r = runc.run(over("stat -c %u /etc/passwd /etc; echo x >> /etc/passwd && echo written",
                new ContainerConfig.Mount("etcalice", "/etc", false)), USER);
        assertEquals("0\n0\nwritten\n", r.out(), r.err());
        assertEquals((int) range.uidStart(), Files.getAttribute(data.resolve("passwd"), "unix:uid"));
        assertEquals((int) range.gidStart(), Files.getAttribute(data.resolve("passwd"), "unix:gid"));
        assertEquals((int) range.uidStart(), Files.getAttribute(data, "unix:uid"));
    }

    @Test
    void nocopyLeavesTheVolumeEmpty() throws IOException {
        Path data = volume("etcnocopy");
        String id = runc.create(over("true", new ContainerConfig.Mount("etcnocopy", "/etc", false, true)), null);
        assertEquals(List.of(), names(data));
        assertTrue(Mounts.mountedBelow(runc.dataRoot.resolve("containers").resolve(id)).isEmpty());
    }

    @Test
    void aVolumeWithContentIsLeftAsItIsAndTheRootfsIsNotLeftMounted() throws IOException {
        Path data = volume("etcmine");
        Files.writeString(data.resolve("mine"), "mine");
        String id = runc.create(over("true", new ContainerConfig.Mount("etcmine", "/etc", false)), null);
        assertEquals(List.of("mine"), names(data));
        assertTrue(Mounts.mountedBelow(runc.dataRoot.resolve("containers").resolve(id)).isEmpty());
    }

    @Test
    void aSecondContainerSeesTheFirstOnesChangesNotAFreshCopy() throws IOException {
        Path data = volume("etcshared");
        ContainerConfig.Mount m = new ContainerConfig.Mount("etcshared", "/etc", false);
        assertEquals(0, runc.run(over("rm /etc/passwd && echo changed > /etc/mark", m), null).code());
        RealRunc.Output second = runc.run(over("ls /etc/passwd 2>/dev/null; cat /etc/mark", m), null);
        assertEquals("changed\n", second.out(), second.err());
        assertTrue(names(data).contains("mark"));
    }

    /**
     * A volume the create found and that was removed before the host's part of it (an {@code rm -v} of
     * the container it was made for, at that moment) is not made again: it would be a volume of no
     * record, its owner's data in it, kept by nothing and listed nowhere.
     */
    @Test
    void aVolumeRemovedMeanwhileIsNotMadeAgain() {
        DomainException e = assertThrows(DomainException.class,
                () -> runc.create(over("true", new ContainerConfig.Mount("removedmeanwhile", "/data", false)), null));
        assertEquals(DomainException.Kind.NOT_FOUND, e.kind(), e.getMessage());
        assertFalse(Files.exists(runc.dataRoot.resolve("volumes/removedmeanwhile")));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
