package dev.tally.domain.volume;

import dev.tally.domain.Actor;
import dev.tally.domain.host.event.HostLeftoverRemoved;
import dev.tally.domain.volume.query.VolumeQueries;
import dev.tally.domain.volume.query.VolumeView;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;
import org.axonframework.eventhandling.gateway.EventGateway;

/**
 * Brings the volumes' data in line with the log at start-up: a recorded volume whose directory a
 * crash kept from being made gets it (its record was the intent), and data no volume of the log holds
 * (a removal recorded, then cut short) is removed, its removal recorded first ({@link HostLeftoverRemoved}):
 * it must never be handed to the next volume of that name. Run once, before the daemon serves.
 */
public class VolumeReconciliation {

    private final EventGateway events;
    private final VolumeStore store;
    private final VolumeQueries volumes;

    public VolumeReconciliation(EventGateway events, VolumeStore store, VolumeQueries volumes) {
        this.events = events;
        this.store = store;
        this.volumes = volumes;
    }

    public void reconcile() {
        Set<String> known = volumes.list().stream().map(VolumeView::name).collect(Collectors.toSet());
        for (String name : store.names()) {
            if (!known.contains(name)) {
                try {
                    events.publish(new HostLeftoverRemoved(HostLeftoverRemoved.VOLUME, name,
                            "volume data on the host but in no volume of the log (a removal not finished)",
                            Actor.daemon(), Instant.now()));
                    store.remove(name);
                } catch (RuntimeException e) {
                    System.err.println("tallyd: removing the data of volume " + name + ", which no volume of the log "
                            + "holds, failed: " + e.getMessage());
                }
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
