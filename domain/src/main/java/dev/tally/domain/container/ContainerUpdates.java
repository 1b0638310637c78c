package dev.tally.domain.container;

import dev.tally.domain.Actor;
import dev.tally.domain.KeyedLocks;
import dev.tally.domain.access.AccessControl;
import dev.tally.domain.access.HostLookup;
import dev.tally.domain.container.command.UpdateContainer;
import dev.tally.domain.container.query.ContainerView;
import java.util.List;
import org.axonframework.commandhandling.gateway.CommandGateway;

/**
 * {@code docker update}: new limits for a container the caller may act on, running or not. The limits
 * are judged as a create would judge them ({@link ContainerOptionPolicy}, the caller's role: a refusal
 * is recorded), the host takes them (bundle and, while it runs, the cgroup), then the log records
 * them ({@code ContainerUpdated}) with who asked. Under the container's lock, so that a start or a
 * removal under way is not crossed: a start reads the bundle before or after, never half-updated.
 */
public class ContainerUpdates {

    private final CommandGateway commands;
    private final ContainerResources resources;
    private final VisibleContainers visible;
    private final AccessControl access;
    private final HostLookup host;
    private final KeyedLocks locks;

    /** @param locks the lifecycle's locks ({@link ContainerLifecycle}): one lock per container for both */
    public ContainerUpdates(CommandGateway commands, ContainerResources resources, VisibleContainers visible,
                            AccessControl access, HostLookup host, KeyedLocks locks) {
        this.commands = commands;
        this.resources = resources;
        this.visible = visible;
        this.access = access;
        this.host = host;
        this.locks = locks;
    }

    /**
     * Applies the change; returns the limits now in force. {@code others}: options the request asked
     * for that tally does not update (each INVALID, naming it, before anything happens). INVALID or
     * CONFLICT as {@link LimitsChange#applyTo}; DENIED (recorded) for a limit the caller's role may not
     * ask for at create; what the host refuses as {@link ContainerResources#update}. A container
     * removed meanwhile is NOT_FOUND.
     */
    public ContainerConfig.Limits update(String ref, LimitsChange change, List<AskedOption> others, Actor actor) {
        ContainerView c = visible.require(ref, actor, "container.update");
        return locks.exclusively(c.id(), () -> {
            ContainerView now = visible.find(c.id()).orElseThrow(() -> dev.tally.domain.DomainException.notFound(
                    "No such container: " + ref));
            ContainerConfig.Limits limits = change.applyTo(now.config().limits());
            // judged as create judges them: only the limits and what else was asked, not the rest of the config
            ContainerConfig asked = UNLIMITED.withLimits(limits);
            ContainerOptionPolicy.firstRefusal(asked, others, access.isAdmin(actor), access.policy(), host).ifPresent(r -> {
                if (r.decision() == ContainerOption.Decision.DENIED) {
                    throw access.deny(actor, "container.update", "container/" + ref, r.message(), r.answer());
                }
                throw r.answer();
            });
            resources.update(c.id(), limits);
            commands.sendAndWait(new UpdateContainer(c.id(), limits, actor));
            return limits;
        });
    }

    private static final ContainerConfig UNLIMITED = new ContainerConfig("", List.of(), List.of(), List.of(), "", "", "",
            java.util.Map.of(), false, false, List.of(), ContainerConfig.Limits.NONE, "none", false,
            ContainerConfig.HostAccess.NONE);
}
