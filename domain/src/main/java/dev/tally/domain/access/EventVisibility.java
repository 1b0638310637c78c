package dev.tally.domain.access;

import dev.tally.domain.Actor;
import dev.tally.domain.container.Grantee;
import dev.tally.domain.event.Audience;
import dev.tally.domain.event.DomainEvent;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which events of the log one caller may read, from each event's {@link Audience}. Admins read all. A
 * user reads the events of a container while they own it or hold a grant on it (grants count from the
 * moment they were given until they are taken back), the events of their own volumes, the events of
 * the images they may use (from the event that made one usable on: their own bringing it, an admin's,
 * a pull without credentials; {@code VisibleImages}'s rule, whether a holder is an admin judged by
 * the current policy), every event shared with everyone, and their own refusals. It learns owners and grants from the events
 * it is fed, in log order: a reader that starts in the middle of the log first feeds it the earlier
 * events of each container, volume or image it meets ({@link #knows}).
 */
public final class EventVisibility {

    private final Actor viewer;
    private final boolean admin;
    private final Predicate<Actor> isAdmin;
    /** {@code scope/id} of what the viewer owns, and of what they hold a grant on. */
    private final Set<String> owned = new HashSet<>();
    private final Set<String> granted = new HashSet<>();
    /** {@code IMAGE/id} of the images the viewer may use. */
    private final Set<String> usable = new HashSet<>();
    private final Set<String> known = new HashSet<>();

    /** @param isAdmin whether an image's holder is an admin (then the image is everyone's), by the current policy */
    public EventVisibility(Actor viewer, boolean admin, Predicate<Actor> isAdmin) {
        this.viewer = viewer;
        this.admin = admin;
        this.isAdmin = isAdmin;
    }

    /** A reader that knows no policy: only a holder of uid 0 is an admin. */
    public EventVisibility(Actor viewer, boolean admin) {
        this(viewer, admin, a -> a.uid() == 0);
    }

    /**
     * Whether the viewer may read this event; call it for each event in log order, shown or not (a
     * payload that is no {@link DomainEvent} is shown to admins only).
     */
    public boolean shows(Object payload) {
        if (!(payload instanceof DomainEvent event)) {
            return admin;
        }
        Audience a = event.audience();
        String key = a.scope() + "/" + a.id();
        known.add(key);
        if (a.change() == Audience.Change.OWNER && isViewer(event.actor())) {
            owned.add(key);
        } else if (a.change() == Audience.Change.GRANT && isViewer(a.grantee())) {
            granted.add(key);
        } else if (a.change() == Audience.Change.SHARED
                || (a.change() == Audience.Change.HELD && (isViewer(event.actor()) || isAdmin.test(event.actor())))) {
            usable.add(key);
        }
        boolean shown = admin || switch (a.scope()) {
            case EVERYONE -> true;
            case ACTOR -> isViewer(event.actor());
            case ADMINS -> false;
            case CONTAINER, VOLUME -> owned.contains(key) || granted.contains(key);
            case IMAGE -> usable.contains(key);
        };
        if (a.change() == Audience.Change.REVOKE && isViewer(a.grantee())) {
            granted.remove(key); // the revocation itself is still shown to the grantee
        }
        if (a.change() == Audience.Change.GONE) {
            owned.remove(key);
            granted.remove(key);
            usable.remove(key);
        }
        return shown;
    }

    /**
     * Whether it has been fed an event of the object this event belongs to (a container, a volume or an image),
     * or needs none: false means the object's earlier events must be fed first.
     */
    public boolean knows(Object payload) {
        if (!(payload instanceof DomainEvent event)) {
            return true;
        }
        Audience a = event.audience();
        return (a.scope() != Audience.Scope.CONTAINER && a.scope() != Audience.Scope.VOLUME
                && a.scope() != Audience.Scope.IMAGE)
                || known.contains(a.scope() + "/" + a.id());
    }

    private boolean isViewer(Actor a) {
        return a.uid() == viewer.uid() && (a.uid() != -1 || a.user().equals(viewer.user()));
    }

    private boolean isViewer(Grantee g) {
        return g.uid() == viewer.uid() && (g.uid() != -1 || g.user().equals(viewer.user()));
    }
}
