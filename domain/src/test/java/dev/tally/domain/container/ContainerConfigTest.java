package dev.tally.domain.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules a container's config decides by itself. */
class ContainerConfigTest {

    private static ContainerConfig withMounts(List<ContainerConfig.Mount> mounts, Map<String, String> tmpfs) {
        return new ContainerConfig("img", null, null, null, null, null, null, null, false, false, mounts, null, null, false,
                null, null, tmpfs);
    }

    @Test
    void onlyVolumesNotAskedNocopyGetTheImagesContent() {
        ContainerConfig.Mount named = new ContainerConfig.Mount("data", "/data", false);
        ContainerConfig.Mount readOnly = new ContainerConfig.Mount("conf", "/etc/app", true);
        ContainerConfig.Mount noCopy = new ContainerConfig.Mount("empty", "/srv", false, true);
        ContainerConfig.Mount bind = new ContainerConfig.Mount("/srv/host", "/host", false);
        ContainerConfig c = withMounts(List.of(named, readOnly, noCopy, bind), Map.of("/run", ""));
        assertEquals(List.of(named, readOnly), c.copyingMounts());
    }

    @Test
    void anAnonymousVolumeKeepsItsNocopyWhenTheCreateNamesIt() {
        ContainerConfig.Mount asked = new ContainerConfig.Mount("", "/scratch", true, true);
        assertEquals(new ContainerConfig.Mount("abc", "/scratch", true, true), asked.withSource("abc"));
        assertEquals(List.of(), withMounts(List.of(asked.withSource("abc")), Map.of()).copyingMounts());
    }
}
