package dev.tally.domain.container;

import dev.tally.domain.container.event.ContainerCreateFailed;
import dev.tally.domain.container.event.ContainerCreated;
import dev.tally.domain.container.event.ContainerRemoved;
import dev.tally.domain.container.event.ContainerRenamed;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;

/**
 * The set-based rule of unique container names, as Axon's samples keep it: a lookup table owned by
 * the command side and maintained from the events. A name is held from its container's
 * {@link ContainerCreated} until its {@link ContainerRemoved} (or {@link ContainerCreateFailed}) ({@link HeldNames}, stored with the
 * events), and, before that, by a create under way, which claims it before anything is recorded, so
 * that two creates of one name cannot both proceed.
 * <p>
 * Register it with a subscribing event processor: its handlers then run in the unit of work, and
 * the transaction, that stores the event.
 */
public final class ContainerNames {

    private final HeldNames held;
    /** Names claimed by creates under way, not yet (or never to be) recorded. */
    private final Map<String, String> creating = new ConcurrentHashMap<>();

    public ContainerNames(HeldNames held) {
        this.held = held;
    }

    /**
     * Claims {@code name} for a create of {@code id}; the id of the container that holds it or is
     * being created with it, when another one does. A successful claim lasts until {@link #release}.
     */
    public Optional<String> claim(String name, String id) {
        String other = creating.putIfAbsent(name, id);
        if (other != null && !other.equals(id)) {
            return Optional.of(other);
        }
        Optional<String> holder = held.holder(name).filter(h -> !h.equals(id));
        if (holder.isPresent()) {
            creating.remove(name, id);
        }
        return holder;
    }

    /**
     * Ends the claim of a create, once it is over: one that was recorded holds its name by its
     * ContainerCreated from then on, one that failed holds nothing.
     */
    public void release(String name, String id) {
        creating.remove(name, id);
    }

    /**
     * Feeds the table one event of the log, as {@code @EventHandler}s are fed (to fill a new table
     * from the whole log, oldest first). A payload without the name or id its type has (a log edited
     * by hand) is passed over: the daemon still starts, and {@code tally audit verify} says where the
     * log was changed.
     */
    public void catchUp(EventMessage<?> m) {
        if (ContainerCreated.class.equals(m.getPayloadType())) {
            ContainerCreated e = (ContainerCreated) m.getPayload();
            if (e.name() != null && e.containerId() != null) {
                on(e);
            }
        } else if (ContainerRemoved.class.equals(m.getPayloadType())) {
            ContainerRemoved e = (ContainerRemoved) m.getPayload();
            if (e.name() != null && e.containerId() != null) {
                on(e);
            }
        } else if (ContainerRenamed.class.equals(m.getPayloadType())) {
            ContainerRenamed e = (ContainerRenamed) m.getPayload();
            if (e.oldName() != null && e.newName() != null && e.containerId() != null) {
                on(e);
            }
        } else if (ContainerCreateFailed.class.equals(m.getPayloadType())) {
            ContainerCreateFailed e = (ContainerCreateFailed) m.getPayload();
            if (e.name() != null && e.containerId() != null) {
                on(e);
            }
        }
    }

    @EventHandler
    void on(ContainerCreated e) {
        held.hold(e.name(), e.containerId());
    }

    @EventHandler
    void on(ContainerRemoved e) {
        // removed in the log: the name is free, whatever the host still does
        held.free(e.name(), e.containerId());
    }

    /** The old name is free and the new one held, in the transaction that stores the rename. */
    @EventHandler
    void on(ContainerRenamed e) {
        held.free(e.oldName(), e.containerId());
        held.hold(e.newName(), e.containerId());
    }

    @EventHandler
    void on(ContainerCreateFailed e) {
        held.free(e.name(), e.containerId());
    }
}
