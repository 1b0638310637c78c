package dev.tally.domain.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which anonymous volumes an image's VOLUME adds at create (dockerd's createContainerVolumesOS). */
class ImageVolumesTest {

    private static ContainerConfig mounting(List<ContainerConfig.Mount> mounts, Map<String, String> tmpfs) {
        return new ContainerConfig("img", null, null, null, null, null, null, null, false, false, mounts, null, null, false,
                null, null, tmpfs);
    }

    private static Map<String, Object> volumes(String... paths) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String p : paths) {
            m.put(p, Map.of());
        }
        return m;
    }

    private static List<String> targets(List<ContainerConfig.Mount> mounts) {
        return mounts.stream().map(ContainerConfig.Mount::target).toList();
    }

    @Test
    void eachVolumePathTheContainerDoesNotMountGetsAnAnonymousVolumeThatCopies() {
        List<ContainerConfig.Mount> added = ImageVolumes.added(volumes("/var/lib/db", "/data"), mounting(List.of(), Map.of()));
        assertEquals(List.of(new ContainerConfig.Mount("", "/data", false), new ContainerConfig.Mount("", "/var/lib/db", false)),
                added);
        added.forEach(m -> assertEquals(true, m.copiesImageContent()));
    }

    @Test
    void aPathAlreadyMountedByAVolumeABindOrATmpfsGetsNone() {
        ContainerConfig c = mounting(List.of(new ContainerConfig.Mount("mine", "/data/", false, true),
                new ContainerConfig.Mount("/srv", "/srv", true)), Map.of("/run", ""));
        assertEquals(List.of("/logs"), targets(ImageVolumes.added(volumes("/data", "/srv/", "/run", "/logs"), c)));
    }

    @Test
    void pathsAreCleanedAsGoCleansThem() {
        assertEquals(List.of("/a/c", "/d"), targets(ImageVolumes.added(volumes("//a/./b/../c/", "/../d", "/a/c"),
                mounting(List.of(), Map.of()))));
    }

    @Test
    void noVolumesARelativePathOrTheRootAddNothing() {
        ContainerConfig c = mounting(List.of(), Map.of());
        assertEquals(List.of(), ImageVolumes.added(null, c));
        assertEquals(List.of(), ImageVolumes.added(List.of("/data"), c));
        assertEquals(List.of(), ImageVolumes.added(volumes("data", "/"), c));
    }
}
