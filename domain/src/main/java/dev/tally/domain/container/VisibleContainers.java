package dev.tally.domain.container;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.References;
import dev.tally.domain.access.AccessControl;
import dev.tally.domain.container.query.ContainerQueries;
import dev.tally.domain.container.query.ContainerView;
import java.util.List;
import java.util.Optional;

/**
 * Which containers an actor may see and act on: an admin every one, a user those they created or
 * were granted. Every use case on a container finds it here first.
 */
public class VisibleContainers {

    private final ContainerQueries containers;
    private final AccessControl access;

    public VisibleContainers(ContainerQueries containers, AccessControl access) {
        this.containers = containers;
        this.access = access;
    }

    /**
     * The container this reference names, if this actor may see it: an admin, its owner, or a user it
     * was granted to. Anyone else is told exactly what a missing container tells (NOT_FOUND, "No such
     * container"), and the refusal is recorded as an AccessDenied.
     *
     * @param action what was asked, for the record ({@code container.stop})
     */
    public ContainerView require(String ref, Actor actor, String action) {
        // Chosen among what this actor may see, so that someone else's container with the same name or
        // id prefix neither hides the actor's own nor tells them it exists; in the order of References,
        // so that no name captures a reference meant as an id.
        String key = ref.startsWith("/") ? ref.substring(1) : ref;
        List<ContainerView> candidates = containers.candidates(ref);
        boolean admin = access.isAdmin(actor);
        List<ContainerView> visible = admin ? candidates : candidates.stream().filter(c -> visibleTo(c, actor)).toList();
        Optional<ContainerView> chosen = References.choose(key, visible, ContainerView::id, c -> c.name().equals(key));
        if (chosen.isPresent()) {
            return chosen.get();
        }
        if (visible.isEmpty() && !candidates.isEmpty()) {
            throw access.deny(actor, action, "container/" + ref, "not the owner, and no grant", noSuchContainer(ref));
        }
        throw noSuchContainer(ref);
    }

    /** The containers this actor may see, newest first; only running ones unless {@code all}. */
    public List<ContainerView> list(boolean all, Actor actor) {
        List<ContainerView> views = containers.list(all);
        return access.isAdmin(actor) ? views : views.stream().filter(c -> visibleTo(c, actor)).toList();
    }

    /** Admins see every container; users those they created or were granted. */
    public boolean visibleTo(ContainerView c, Actor actor) {
        return access.isAdmin(actor) || sameUser(c.owner(), actor.uid(), actor.user())
                || c.grantees().stream().anyMatch(g -> g.uid() == actor.uid() && (g.uid() != -1 || g.user().equals(actor.user())));
    }

    /** The same host user: the same uid, or, for callers with no host uid (-1), the same name. */
    static boolean sameUser(Actor owner, int uid, String user) {
        return owner.uid() == uid && (uid != -1 || owner.user().equals(user));
    }

    /** The container by reference whoever asks, for a use case's own checks; never for an answer. */
    public Optional<ContainerView> find(String ref) {
        return containers.find(ref);
    }

    private static DomainException noSuchContainer(String ref) {
        return DomainException.notFound("No such container: " + ref);
    }
}
