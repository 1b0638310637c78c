package dev.tally.domain.volume;

import dev.tally.domain.Actor;
import dev.tally.domain.container.event.ContainerCreateFailed;
import dev.tally.domain.container.event.ContainerCreated;
import dev.tally.domain.container.event.ContainerRemoved;
import dev.tally.domain.event.StoredEvents;
import dev.tally.domain.volume.query.VolumeView;
import java.util.List;
import java.util.Optional;

/**
 * Anonymous volumes a stop cut off from their container. An anonymous volume ({@code -v PATH}) is
 * its container's: it is made just before the container's create is recorded and, for a container
 * created with {@code --rm}, removed just after the container's removal. A daemon stopped between the
 * two left a volume that no container mounts and no client could tell was anybody's, for good (the
 * crash series found them after kills in {@code run --rm -v /scratch}). At start, once the containers
 * are reconciled, each anonymous volume no container mounts is looked up in the log: the create that
 * names it (the first after the volume's), and what became of that container. It is removed,
 * recorded as the daemon's removal as the live path records it, when no create names it (stopped
 * between making it and recording the create), when its container's create failed (no container ever
 * had it), or when its container's removal says its volumes went with it ({@code rm -v}, {@code --rm};
 * a removal recorded before it said so: when the container was created with {@code --rm}). A container
 * removed by a plain {@code rm} leaves its anonymous volumes to {@code volume prune}, as dockerd does.
 * Run once, before the daemon serves.
 */
public class AnonymousVolumes {

    /** How many events after a volume's create are searched for the container create that names it. */
    static final int LOOK_AHEAD = 10_000;
    private static final int BATCH = 500;
    private static final String NO_CREATE = "the daemon stopped between making it and recording the create of its "
            + "container: no container ever had it";

    private final VolumeService volumes;
    private final StoredEvents log;

    public AnonymousVolumes(VolumeService volumes, StoredEvents log) {
        this.volumes = volumes;
        this.log = log;
    }

    public void reconcile() {
        for (VolumeView v : volumes.unmountedAnonymous()) {
            try {
                Optional<String> why = whyItGoes(log, v);
                if (why.isPresent() && volumes.removeAnonymous(v.name(), null, Actor.daemon())) {
                    System.out.println("tallyd: removed anonymous volume " + v.name() + ": " + why.get());
                }
            } catch (RuntimeException e) {
                System.err.println("tallyd: settling anonymous volume " + v.name() + " failed (volume prune takes it): "
                        + e.getMessage());
            }
        }
    }

    /** Why the anonymous volume {@code v}, which no container mounts, goes; empty when it stays. */
    static Optional<String> whyItGoes(StoredEvents log, VolumeView v) {
        List<StoredEvents.Stored> own = log.history(v.id(), Long.MAX_VALUE);
        if (own.isEmpty()) {
            return Optional.empty();
        }
        long from = own.get(0).position() + 1;
        for (int read = 0; read < LOOK_AHEAD; ) {
            List<StoredEvents.Stored> batch = log.read(from, BATCH);
            for (StoredEvents.Stored s : batch) {
                if (s.payload() instanceof ContainerCreated c && c.config().mountsVolume(v.name())) {
                    return fateOf(log, c);
                }
            }
            if (batch.size() < BATCH) {
                return Optional.of(NO_CREATE);
            }
            read += batch.size();
            from = batch.get(batch.size() - 1).position() + 1;
        }
        // the look-ahead ran out before the log did: its create may lie further on, so it is not known
        // that no container ever had it (one removed without --rm keeps its volume for volume prune)
        return Optional.empty();
    }

    private static Optional<String> fateOf(StoredEvents log, ContainerCreated c) {
        List<Object> history = log.history(c.containerId(), Long.MAX_VALUE).stream().map(StoredEvents.Stored::payload)
                .toList();
        if (history.stream().anyMatch(ContainerCreateFailed.class::isInstance)) {
            return Optional.of("the create of its container " + c.containerId() + " failed: no container ever had it");
        }
        Optional<ContainerRemoved> removed = history.stream().filter(ContainerRemoved.class::isInstance)
                .map(ContainerRemoved.class::cast).findFirst();
        if (removed.isPresent() && removed.get().takesVolumes()) {
            return Optional.of("its container " + c.containerId() + " was removed with its volumes (rm -v or --rm); the "
                    + "daemon stopped before the volume went with it");
        }
        // a removal recorded before it said so: --rm took them, a plain rm did not
        if (removed.isPresent() && removed.get().volumes() == null && c.config().autoRemove()) {
            return Optional.of("its container " + c.containerId() + " was created with --rm and is removed; the daemon "
                    + "stopped before the volume went with it");
        }
        return Optional.empty();
    }
}
