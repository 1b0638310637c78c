package dev.tally.domain.container.query;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Answers about containers from the read model. Removed containers are not found. */
public interface ContainerQueries {

    /** By full id, name (with or without a leading '/'), or unique id prefix. */
    Optional<ContainerView> find(String ref);

    /** Newest first; only running ones unless {@code all}. */
    List<ContainerView> list(boolean all);

    /** Called after each committed change; a removed container comes with status REMOVED. */
    AutoCloseable subscribe(Consumer<ContainerView> listener);
}
