package dev.tally.domain.container;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.access.AccessControl;
import dev.tally.domain.access.HostLookup;
import dev.tally.domain.container.command.GrantContainerAccess;
import dev.tally.domain.container.command.RevokeContainerAccess;
import dev.tally.domain.container.query.ContainerView;
import java.util.OptionalInt;
import org.axonframework.commandhandling.gateway.CommandGateway;

/**
 * {@code tally grant} and {@code revoke}: an admin lets a host user see and act on a container they
 * do not own, or takes that back. Only admins may; the user must exist on the host.
 */
public class ContainerGrants {

    private final CommandGateway commands;
    private final VisibleContainers containers;
    private final AccessControl access;
    private final HostLookup host;

    public ContainerGrants(CommandGateway commands, VisibleContainers containers, AccessControl access, HostLookup host) {
        this.commands = commands;
        this.containers = containers;
        this.access = access;
        this.host = host;
    }

    /** Returns the container's full id. Granting twice is not an error. */
    public String grant(String ref, String user, Actor actor) {
        ContainerView c = adminOnly(ref, "grant", actor);
        commands.sendAndWait(new GrantContainerAccess(c.id(), grantee(user), actor));
        return c.id();
    }

    /** Returns the container's full id; NOT_FOUND when the user has no grant on it. */
    public String revoke(String ref, String user, Actor actor) {
        ContainerView c = adminOnly(ref, "revoke", actor);
        // a user deleted from the host since the grant is still found by the name it was granted to
        Grantee g = c.grantees().stream().filter(x -> x.user().equals(user)
                && host.uidOf(user).isEmpty()).findFirst().orElseGet(() -> grantee(user));
        commands.sendAndWait(new RevokeContainerAccess(c.id(), g, actor));
        return c.id();
    }

    private ContainerView adminOnly(String ref, String verb, Actor actor) {
        if (!access.isAdmin(actor)) {
            String message = "authorization denied: tally " + verb + " is for tally admins only";
            throw access.deny(actor, "container." + verb, "container/" + ref, "not an admin",
                    new DomainException(DomainException.Kind.DENIED, message));
        }
        return containers.require(ref, actor, "container." + verb);
    }

    private Grantee grantee(String user) {
        if (user == null || user.isBlank()) {
            throw DomainException.invalid("a user to grant to is required");
        }
        OptionalInt uid = host.uidOf(user);
        if (uid.isEmpty()) {
            throw DomainException.invalid("no such user on this host: " + user);
        }
        return new Grantee(user, uid.getAsInt());
    }
}
