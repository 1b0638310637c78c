package dev.tally.domain.volume;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.access.AccessControl;
import dev.tally.domain.container.query.ContainerQueries;
import dev.tally.domain.volume.query.VolumeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * {@code docker volume prune}: removes the caller's volumes that no container mounts (an admin's
 * prune: anyone's). Each goes as {@code docker volume rm} removes it ({@link VolumeService#remove}: a
 * {@code VolumeRemoved} with the caller), under that volume's lock, so a container that mounts it
 * meanwhile keeps it.
 */
public class VolumePruning {

    /** The label dockerd gives the volumes it makes for an anonymous {@code -v /path}. */
    public static final String ANONYMOUS = "com.docker.volume.anonymous";

    private final VolumeService volumes;
    private final VolumeStore store;
    private final ContainerQueries containers;
    private final AccessControl access;

    public VolumePruning(VolumeService volumes, VolumeStore store, ContainerQueries containers, AccessControl access) {
        this.volumes = volumes;
        this.store = store;
        this.containers = containers;
        this.access = access;
    }

    /** What a prune removed: the volumes' names and the bytes their data held. */
    public record Pruned(List<String> names, long bytes) {
    }

    /**
     * Removes the unused volumes the caller owns (any, for an admin) that {@code wanted} accepts.
     * {@code all}: named ones too; else only anonymous ones ({@link #ANONYMOUS}), as dockerd's API
     * 1.42 and later prune. One that a container mounted meanwhile is left and not reported.
     */
    public Pruned prune(boolean all, Predicate<VolumeView> wanted, Actor actor) {
        boolean admin = access.isAdmin(actor);
        List<String> removed = new ArrayList<>();
        long bytes = 0;
        for (VolumeView v : volumes.list(actor)) {
            boolean own = admin || v.owner().uid() == actor.uid() && (actor.uid() != -1 || v.owner().user().equals(actor.user()));
            boolean kind = all || v.labels().containsKey(ANONYMOUS);
            if (!own || !kind || !wanted.test(v) || inUse().contains(v.name())) {
                continue;
            }
            long size = store.bytes(v.name());
            try {
                volumes.remove(v.name(), actor);
            } catch (DomainException e) {
                if (e.kind() == DomainException.Kind.CONFLICT || e.kind() == DomainException.Kind.NOT_FOUND) {
                    continue; // mounted, or removed, since it was listed
                }
                throw e;
            }
            removed.add(v.name());
            bytes += size;
        }
        return new Pruned(removed, bytes);
    }

    /** Names of the volumes some container (of anyone) mounts. */
    public Set<String> inUse() {
        return containers.list(true).stream().flatMap(c -> c.config().mounts().stream())
                .filter(m -> m.isVolume()).map(m -> m.source()).collect(Collectors.toSet());
    }

    /** Bytes of the volume's data on the host. */
    public long bytes(String name) {
        return store.bytes(name);
    }
}
