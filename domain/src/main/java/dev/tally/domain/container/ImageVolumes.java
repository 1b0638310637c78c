package dev.tally.domain.container;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An image's {@code VOLUME}s (its config's {@code Volumes}), as dockerd's create takes them
 * (createContainerVolumesOS): an anonymous volume at each path, cleaned as dockerd
 * cleans it ({@link MountPaths#cleaned}), unless the container already mounts something there (a
 * volume, a bind or a tmpfs, however its path was written). The volumes join the container's
 * mounts before the create is recorded, so they are its anonymous volumes like those of
 * {@code -v PATH}: made with dockerd's label, copied into from the image, removed by {@code rm -v}
 * and {@code --rm}.
 */
final class ImageVolumes {

    private ImageVolumes() {
    }

    /**
     * The anonymous mounts (no source yet) the image's {@code volumes} (the config's {@code Volumes}
     * object; anything else is none) add to {@code config}, in path order.
     */
    static List<ContainerConfig.Mount> added(Object volumes, ContainerConfig config) {
        if (!(volumes instanceof Map<?, ?> paths)) {
            return List.of();
        }
        Set<String> mounted = Stream.concat(config.mounts().stream().map(ContainerConfig.Mount::target),
                config.tmpfs().keySet().stream()).map(MountPaths::cleaned).collect(Collectors.toSet());
        Set<String> wanted = new TreeSet<>();
        for (Object p : paths.keySet()) {
            String path = MountPaths.cleaned(String.valueOf(p));
            // a path that is not absolute, or the root, is nothing a volume can be mounted at
            if (path.startsWith("/") && !path.equals("/") && !mounted.contains(path)) {
                wanted.add(path);
            }
        }
        List<ContainerConfig.Mount> added = new ArrayList<>();
        wanted.forEach(path -> added.add(new ContainerConfig.Mount("", path, false)));
        return added;
    }
}
