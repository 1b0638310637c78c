package dev.tally.domain.container;

import dev.tally.domain.Actor;
import dev.tally.domain.KeyedLocks;
import dev.tally.domain.container.command.UpdateContainer;
import dev.tally.domain.container.query.ContainerQueries;
import dev.tally.domain.container.query.ContainerView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.axonframework.commandhandling.gateway.CommandGateway;

/**
 * At start-up, the log learns the limits its containers' bundles hold: {@code docker update} lets the
 * host take the limits, then records them; a crash in between leaves a container that runs (and will
 * start) under limits the log does not have. What the host holds is recorded ({@code ContainerUpdated}
 * by the daemon), as the other start-up rules record what they find; the host is not changed.
 */
public class LimitsReconciliation {

    private final CommandGateway commands;
    private final ContainerQueries containers;
    private final ContainerResources resources;
    private final KeyedLocks locks;

    /** @param locks the lifecycle's locks: no update or start crosses the check of a container */
    public LimitsReconciliation(CommandGateway commands, ContainerQueries containers, ContainerResources resources,
                                KeyedLocks locks) {
        this.commands = commands;
        this.containers = containers;
        this.resources = resources;
        this.locks = locks;
    }

    /** Records the bundle's limits of each container whose bundle differs from the log; returns their ids. */
    public List<String> reconcile() {
        List<String> recorded = new ArrayList<>();
        for (ContainerView c : containers.list(true)) {
            try {
                boolean changed = locks.exclusively(c.id(), () -> {
                    Optional<ContainerView> now = containers.find(c.id());
                    Optional<ContainerConfig.Limits> held = now.isEmpty() ? Optional.empty()
                            : resources.differingLimits(c.id(), now.get().config().limits());
                    held.ifPresent(limits -> commands.sendAndWait(new UpdateContainer(c.id(), limits, Actor.daemon())));
                    return held.isPresent();
                });
                if (changed) {
                    recorded.add(c.id());
                }
            } catch (RuntimeException e) {
                System.err.println("tallyd: checking the limits of container " + c.id() + " against its bundle failed: "
                        + e.getMessage());
            }
        }
        return recorded;
    }
}
