package dev.tally.domain.container;

import java.util.Optional;

/**
 * Port: the names held by live containers, stored beside the events. {@link ContainerNames} writes
 * it from its event handlers, and those writes must join the transaction that stores the event, so
 * that a name is held exactly when its ContainerCreated is committed and free exactly when its
 * ContainerRemoved is.
 */
public interface HeldNames {

    /** The id of the container that holds {@code name}, as committed. */
    Optional<String> holder(String name);

    /** {@code containerId} holds {@code name} from now on. Idempotent. */
    void hold(String name, String containerId);

    /** {@code name} is no longer held by {@code containerId}; nothing if another container holds it. */
    void free(String name, String containerId);
}
