package dev.tally.domain.container.event;

import dev.tally.domain.event.Audience;
import dev.tally.domain.event.DomainEvent;
import dev.tally.domain.event.Subject;

/**
 * An event about one container that its audit record names by id and that those who may see the
 * container may read. Events that name it further (creation) or have another audience (grants)
 * implement {@link DomainEvent} themselves.
 */
public interface ContainerEvent extends DomainEvent {

    /** The container it is about; a component of every such record. */
    String containerId();

    @Override
    default Subject subject() {
        return Subject.container(containerId());
    }

    @Override
    default Audience audience() {
        return Audience.container(containerId());
    }
}
