package dev.tally.domain.container.query;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Answers about containers from the read model. Removed containers are not found. */
public interface ContainerQueries {

    /** By full id, name (with or without a leading '/'), or unique id prefix. */
    Optional<ContainerView> find(String ref);

    /**
     * Every live container the reference could name: the one with that id, the one with that name,
     * and every one whose id starts with it. Callers that must not see all containers choose among
     * them; a model that cannot list them gives what {@link #find} gives.
     */
    default List<ContainerView> candidates(String ref) {
        return find(ref).map(List::of).orElse(List.of());
    }

    /** Newest first; only running ones unless {@code all}. */
    List<ContainerView> list(boolean all);

    /** Called after each committed change; a removed container comes with status REMOVED. */
    AutoCloseable subscribe(Consumer<ContainerView> listener);
}
