package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hierarchy is told as runc tells it: by the file system type of the root, then of {@code unified}. */
class CgroupHierarchyTest {

    @TempDir
    Path root;

    /** statfs answering from a table; a path not in it does not exist. */
    private static FileSystemTypes types(Map<Path, Long> table) {
        return path -> {
            Long type = table.get(path);
            if (type == null) {
                throw new NoSuchFileException(path.toString());
            }
            return type;
        };
    }

    @Test
    void aCgroup2RootIsTheUnifiedHierarchyVersion2() throws IOException {
        CgroupHierarchy found = CgroupHierarchy.detect(root, types(Map.of(root, FileSystemTypes.CGROUP2)));
        assertEquals(CgroupHierarchy.Kind.UNIFIED, found.kind());
        assertEquals("2", found.version());
    }

    @Test
    void aTmpfsRootWithACgroup2AtUnifiedIsHybridVersion1() throws IOException {
        CgroupHierarchy found = CgroupHierarchy.detect(root, types(Map.of(root, FileSystemTypes.TMPFS,
                root.resolve("unified"), FileSystemTypes.CGROUP2)));
        assertEquals(CgroupHierarchy.Kind.HYBRID, found.kind());
        assertEquals("1", found.version());
    }

    @Test
    void aTmpfsRootAloneIsLegacyVersion1() throws IOException {
        CgroupHierarchy found = CgroupHierarchy.detect(root, types(Map.of(root, FileSystemTypes.TMPFS)));
        assertEquals(CgroupHierarchy.Kind.LEGACY, found.kind());
        assertEquals("1", found.version());
    }

    @Test
    void aCgroup2ElsewhereThanUnifiedDoesNotMakeItHybrid() throws IOException {
        CgroupHierarchy found = CgroupHierarchy.detect(root, types(Map.of(root, FileSystemTypes.TMPFS,
                root.resolve("unified"), FileSystemTypes.TMPFS, root.resolve("systemd"), FileSystemTypes.CGROUP2)));
        assertEquals(CgroupHierarchy.Kind.LEGACY, found.kind());
    }

    @Test
    void aMissingRootCountsAsVersion1AsRuncCountsIt() throws IOException {
        assertEquals(CgroupHierarchy.Kind.LEGACY, CgroupHierarchy.detect(root, types(Map.of())).kind());
    }

    @Test
    void anotherStatfsFailureIsNotTakenForAnAnswer() {
        FileSystemTypes refusing = path -> {
            throw new AccessDeniedException(path.toString());
        };
        assertThrows(AccessDeniedException.class, () -> CgroupHierarchy.detect(root, refusing));
    }

    @Test
    void theRealStatfsAgreesWithStatOnThisHost() throws Exception {
        Path cgroupRoot = Path.of("/sys/fs/cgroup");
        long type = FileSystemTypes.STATFS.typeOf(cgroupRoot);
        assertEquals(Long.parseLong(stat("%t", cgroupRoot), 16), type);
        assertEquals(stat("%T", cgroupRoot).equals("cgroup2fs") ? "2" : "1", CgroupHierarchy.host().version(),
                "stat -f says " + stat("%T", cgroupRoot));
        assertThrows(NoSuchFileException.class, () -> FileSystemTypes.STATFS.typeOf(root.resolve("absent")));
    }

    @Test
    void aSpecsSharesBecomeRunc11sWeightOnVersion2Only() {
        assertEquals(512, new CgroupHierarchy(root, CgroupHierarchy.Kind.HYBRID).cpuWeightOf(512));
        CgroupHierarchy v2 = new CgroupHierarchy(root, CgroupHierarchy.Kind.UNIFIED);
        assertEquals(39, v2.cpuWeightOf(1024), "Docker's default shares");
        assertEquals(1, v2.cpuWeightOf(2));
        assertEquals(10000, v2.cpuWeightOf(262144));
    }

    @Test
    void containersGetACgroupNamespaceOfTheirOwnOnVersion2AsDockerdGivesThem() {
        assertEquals(true, new CgroupHierarchy(root, CgroupHierarchy.Kind.UNIFIED).ownNamespaceByDefault());
        assertEquals(false, new CgroupHierarchy(root, CgroupHierarchy.Kind.HYBRID).ownNamespaceByDefault());
        assertEquals(false, new CgroupHierarchy(root, CgroupHierarchy.Kind.LEGACY).ownNamespaceByDefault());
    }

    @Test
    void aContainersCgroupsPathIsThePathBelowEachHierarchysRoot() {
        assertEquals("/tally/abc", CgroupHierarchy.containerPath("abc"));
        CgroupHierarchy v1 = new CgroupHierarchy(root, CgroupHierarchy.Kind.LEGACY);
        CgroupHierarchy v2 = new CgroupHierarchy(root, CgroupHierarchy.Kind.UNIFIED);
        assertEquals(root.resolve("memory/tally/abc"), v1.container("abc").directory("memory"));
        assertEquals(root.resolve("tally/abc"), v2.container("abc").directory("memory"));
        assertEquals(root.resolve("tally/abc"), v2.at("//tally/abc").directory("pids"));
    }

    private static String stat(String format, Path path) throws Exception {
        Process p = new ProcessBuilder("stat", "-f", "-c", format, path.toString()).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertEquals(true, p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        return out;
    }
}
