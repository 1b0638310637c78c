package dev.tally.domain.access;

import dev.tally.domain.Actor;
import dev.tally.domain.container.Grantee;
import dev.tally.domain.event.Audience;
import dev.tally.domain.event.DomainEvent;
import java.util.HashSet;
import java.util.Set;

/**
 * Which events of the log one caller may read, from each event's {@link Audience}. Admins read all. A
 * user reads the events of a container while they own it or hold a grant on it (grants count from the
 * moment they were given until they are taken back), the events of their own volumes, every event
 * shared with everyone (images), and their own refusals. It learns owners and grants from the events
 * it is fed, in log order: a reader that starts in the middle of the log first feeds it the earlier
 * events of each container or volume it meets ({@link #knows}).
 */
public final class EventVisibility {

    private final Actor viewer;
    private final boolean admin;
    /** {@code scope/id} of what the viewer owns, and of what they hold a grant on. */
    private final Set<String> owned = new HashSet<>();
    private final Set<String> granted = new HashSet<>();
    private final Set<String> known = new HashSet<>();

    public EventVisibility(Actor viewer, boolean admin) {
        this.viewer = viewer;
        this.admin = admin;
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
        }
        boolean shown = admin || switch (a.scope()) {
            case EVERYONE -> true;
            case ACTOR -> isViewer(event.actor());
            case ADMINS -> false;
            case CONTAINER, VOLUME -> owned.contains(key) || granted.contains(key);
        };
        if (a.change() == Audience.Change.REVOKE && isViewer(a.grantee())) {
            granted.remove(key); // the revocation itself is still shown to the grantee
        }
        return shown;
    }

    /**
     * Whether it has been fed an event of the object this event belongs to (a container or a volume),
     * or needs none: false means the object's earlier events must be fed first.
     */
    public boolean knows(Object payload) {
        if (!(payload instanceof DomainEvent event)) {
            return true;
        }
        Audience a = event.audience();
        return (a.scope() != Audience.Scope.CONTAINER && a.scope() != Audience.Scope.VOLUME)
                || known.contains(a.scope() + "/" + a.id());
    }

    private boolean isViewer(Actor a) {
        return a.uid() == viewer.uid() && (a.uid() != -1 || a.user().equals(viewer.user()));
    }

    private boolean isViewer(Grantee g) {
        return g.uid() == viewer.uid() && (g.uid() != -1 || g.user().equals(viewer.user()));
    }
}
