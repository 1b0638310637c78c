package dev.tally.domain.volume;

import dev.tally.domain.host.LeftoverRemovals;
import dev.tally.domain.host.event.HostLeftoverRemoved;
import dev.tally.domain.volume.query.VolumeQueries;
import dev.tally.domain.volume.query.VolumeView;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Brings the volumes' data in line with the log at start-up: a recorded volume whose directory a
 * crash kept from being made gets it (its record was the intent), and data no volume of the log holds
 * (a removal recorded, then cut short) is removed, its removal recorded first ({@link HostLeftoverRemoved}):
 * it must never be handed to the next volume of that name; recorded once however often it is cut short
 * ({@link LeftoverRemovals}). Run once, before the daemon serves.
 */
public class VolumeReconciliation {

    private final LeftoverRemovals leftovers;
    private final VolumeStore store;
    private final VolumeQueries volumes;

    public VolumeReconciliation(LeftoverRemovals leftovers, VolumeStore store, VolumeQueries volumes) {
        this.leftovers = leftovers;
        this.store = store;
        this.volumes = volumes;
    }

    public void reconcile() {
        Set<String> known = volumes.list().stream().map(VolumeView::name).collect(Collectors.toSet());
        Set<String> unknown = new java.util.TreeSet<>(store.names());
        unknown.removeAll(known);
        leftovers.forgetFinished(HostLeftoverRemoved.VOLUME, unknown);
        for (String name : unknown) {
            try {
                leftovers.remove(HostLeftoverRemoved.VOLUME, name,
                        "volume data on the host but in no volume of the log (a removal not finished)",
                        () -> store.remove(name));
            } catch (RuntimeException e) {
                System.err.println("tallyd: removing the data of volume " + name + ", which no volume of the log "
                        + "holds, failed: " + e.getMessage());
            }
        }
        for (String name : known) {
            try {
                store.ensure(name);
            } catch (RuntimeException e) {
                System.err.println("tallyd: making the directory of volume " + name + " failed: " + e.getMessage());
            }
        }
    }
}
