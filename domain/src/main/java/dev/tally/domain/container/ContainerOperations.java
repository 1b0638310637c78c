package dev.tally.domain.container;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.KeyedLocks;
import dev.tally.domain.References;
import dev.tally.domain.access.AccessControl;
import dev.tally.domain.container.command.RecordPaused;
import dev.tally.domain.container.command.RecordUnpaused;
import dev.tally.domain.container.command.RenameContainer;
import dev.tally.domain.container.query.ContainerView;
import java.util.List;
import org.axonframework.commandhandling.gateway.CommandGateway;

/**
 * pause, unpause, rename and top: for whoever may act on the container (its owner, a grantee, an
 * admin; anyone else is told it does not exist, and that is recorded). Pause and unpause act on the
 * host under the container's lock, then record what was done, with who asked.
 */
public class ContainerOperations {

    private final CommandGateway commands;
    private final ContainerProcesses processes;
    private final VisibleContainers visible;
    private final KeyedLocks locks;
    private final ContainerNames names;
    private final AccessControl access;

    public ContainerOperations(CommandGateway commands, ContainerProcesses processes, VisibleContainers visible,
                               KeyedLocks locks, ContainerNames names, AccessControl access) {
        this.commands = commands;
        this.processes = processes;
        this.visible = visible;
        this.locks = locks;
        this.names = names;
        this.access = access;
    }

    /** Freezes a running container. CONFLICT, in Docker's words, when it is not running or already paused. */
    public void pause(String ref, Actor actor) {
        ContainerView found = visible.require(ref, actor, "container.pause");
        locks.exclusively(found.id(), () -> {
            ContainerView c = current(found);
            if (c.status() != ContainerStatus.RUNNING) {
                throw DomainException.conflict("Container " + c.id() + " is not running");
            }
            if (c.paused()) {
                throw DomainException.conflict("Container " + c.id() + " is already paused");
            }
            processes.pause(c.id());
            try {
                commands.sendAndWait(new RecordPaused(c.id(), actor));
            } catch (RuntimeException unrecorded) {
                processes.resume(c.id()); // nothing the log does not say stays frozen
                throw unrecorded;
            }
            return null;
        });
    }

    /** Thaws a paused container. CONFLICT when it is not paused. */
    public void unpause(String ref, Actor actor) {
        ContainerView found = visible.require(ref, actor, "container.unpause");
        locks.exclusively(found.id(), () -> {
            ContainerView c = current(found);
            if (c.status() != ContainerStatus.RUNNING || !c.paused()) {
                throw DomainException.conflict("Container " + c.id() + " is not paused");
            }
            processes.resume(c.id());
            commands.sendAndWait(new RecordUnpaused(c.id(), actor));
            return null;
        });
    }

    /**
     * Gives the container a new name. INVALID for a name Docker refuses (before anything is recorded)
     * or one that reads as an id (recorded, as at create); CONFLICT when another container holds it
     * (recorded when that container is one the caller may not see, as at create).
     */
    public void rename(String ref, String newName, Actor actor) {
        String bare = newName == null ? "" : newName.startsWith("/") ? newName.substring(1) : newName;
        if (bare.isBlank()) {
            throw DomainException.invalid("Neither old nor new names may be empty");
        }
        ContainerNaming.requireValid(newName);
        ContainerView c = visible.require(ref, actor, "container.rename");
        if (References.looksLikeId(bare)) {
            throw access.deny(actor, "container.rename", "container/" + bare, "the name reads as a container id",
                    DomainException.invalid("Invalid container name (" + bare + "), a name of 12 to 64 hexadecimal "
                            + "characters would read as a container id"));
        }
        if (bare.equals(c.name())) {
            throw DomainException.invalid("Renaming a container with the same name as its current name");
        }
        names.claim(bare, c.id()).ifPresent(holder -> {
            throw nameInUse(bare, holder, actor);
        });
        try {
            commands.sendAndWait(new RenameContainer(c.id(), bare, actor));
        } finally {
            names.release(bare, c.id());
        }
    }

    /** The container's processes as {@code ps} shows them. CONFLICT when it is not running. */
    public ContainerProcesses.ProcessTable top(String ref, List<String> psArgs, Actor actor) {
        ContainerView c = visible.require(ref, actor, "container.top");
        if (c.status() != ContainerStatus.RUNNING) {
            throw DomainException.conflict("Container " + c.id() + " is not running");
        }
        return processes.top(c.id(), psArgs);
    }

    private ContainerView current(ContainerView found) {
        return visible.find(found.id()).orElseThrow(() -> DomainException.notFound("No such container: " + found.id()));
    }

    /** As at create: whose container holds the name is said only to who may see it. */
    private DomainException nameInUse(String name, String holder, Actor actor) {
        boolean known = visible.find(holder).map(h -> visible.visibleTo(h, actor)).orElse(false);
        DomainException answer = DomainException.conflict("Error when allocating new name: Conflict. The container name \"/"
                + name + "\" is already in use by " + (known ? "container \"" + holder + "\"" : "another user's container")
                + ". You have to remove (or rename) that container to be able to reuse that name.");
        return known ? answer
                : access.deny(actor, "container.rename", "container/" + name, "the name is held by another user's container",
                        answer);
    }
}
