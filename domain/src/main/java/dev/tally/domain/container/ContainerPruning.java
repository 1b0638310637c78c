package dev.tally.domain.container;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.access.AccessControl;
import dev.tally.domain.container.query.ContainerView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * {@code docker container prune}: removes every container that is not running and that the caller
 * may prune: an admin any, a user only those they created (not those they were granted: a grant lets
 * its holder act on a container they name, not sweep it away). Each is removed as {@code docker rm}
 * removes it ({@link ContainerLifecycle#remove}: a {@code ContainerRemoved} with the caller), so the
 * log holds one removal per container.
 */
public class ContainerPruning {

    private final VisibleContainers visible;
    private final ContainerLifecycle lifecycle;
    private final ContainerStats stats;
    private final AccessControl access;

    public ContainerPruning(VisibleContainers visible, ContainerLifecycle lifecycle, ContainerStats stats,
                            AccessControl access) {
        this.visible = visible;
        this.lifecycle = lifecycle;
        this.stats = stats;
        this.access = access;
    }

    /** What a prune removed: the containers' ids and the bytes their writable layers held. */
    public record Pruned(List<String> ids, long bytes) {
    }

    /**
     * Removes the caller's containers that are created or exited and that {@code wanted} accepts
     * (the request's filters). One that started meanwhile, or was removed meanwhile, is left and not
     * reported; another failure ends the prune with it, what was removed staying removed.
     */
    public Pruned prune(Predicate<ContainerView> wanted, Actor actor) {
        boolean admin = access.isAdmin(actor);
        List<String> removed = new ArrayList<>();
        long bytes = 0;
        for (ContainerView c : visible.list(true, actor)) {
            boolean stopped = c.status() == ContainerStatus.CREATED || c.status() == ContainerStatus.EXITED;
            boolean own = admin || VisibleContainers.sameUser(c.owner(), actor.uid(), actor.user());
            if (!stopped || !own || !wanted.test(c)) {
                continue;
            }
            long size = stats.writableBytes(c);
            try {
                lifecycle.remove(c.id(), false, actor);
            } catch (DomainException e) {
                if (e.kind() == DomainException.Kind.CONFLICT || e.kind() == DomainException.Kind.NOT_FOUND) {
                    continue; // it started, or went, since it was listed
                }
                throw e;
            } catch (org.axonframework.eventsourcing.AggregateDeletedException e) {
                continue;
            }
            removed.add(c.id());
            bytes += size;
        }
        return new Pruned(removed, bytes);
    }

    /** Docker's {@code until} filter: containers created before this instant. */
    public static Predicate<ContainerView> createdBefore(Instant until) {
        return c -> c.created().isBefore(until);
    }
}
