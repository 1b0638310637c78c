package dev.tally.domain.volume;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.axonframework.modelling.command.AggregateLifecycle.markDeleted;

import dev.tally.domain.volume.command.CreateVolume;
import dev.tally.domain.volume.command.RemoveVolume;
import dev.tally.domain.volume.event.VolumeCreated;
import dev.tally.domain.volume.event.VolumeRemoved;
import java.time.Instant;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

/** A named volume: data that outlives the containers mounting it. */
public class Volume {

    @AggregateIdentifier
    private String id;
    private String name;

    Volume() {
        // for Axon
    }

    @CommandHandler
    Volume(CreateVolume cmd) {
        apply(new VolumeCreated(cmd.volumeId(), cmd.name(), cmd.labels(), cmd.actor(), Instant.now()));
    }

    @CommandHandler
    void handle(RemoveVolume cmd) {
        apply(new VolumeRemoved(id, name, cmd.actor(), Instant.now()));
    }

    @EventSourcingHandler
    void on(VolumeCreated e) {
        id = e.volumeId();
        name = e.name();
    }

    @EventSourcingHandler
    void on(VolumeRemoved e) {
        markDeleted();
    }
}
