package dev.tally.domain.access;

import dev.tally.domain.Actor;
import dev.tally.domain.access.event.AccessDenied;
import dev.tally.domain.container.Grantee;
import dev.tally.domain.container.event.ContainerAccessGranted;
import dev.tally.domain.container.event.ContainerAccessRevoked;
import dev.tally.domain.container.event.ContainerCreated;
import dev.tally.domain.image.event.ImageImported;
import dev.tally.domain.image.event.ImageTagged;
import dev.tally.domain.volume.event.VolumeCreated;
import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which events of the log one caller may read. Admins read all. A user reads the events of a
 * container while they own it or hold a grant on it (grants count from the moment they were given
 * until they are taken back), the events of their own volumes, every image event (images are shared),
 * and their own refusals. Fed every event in log order from the first one, since it learns owners and
 * grants as it goes.
 */
public final class EventVisibility {

    private final Actor viewer;
    private final boolean admin;
    private final Set<String> containers = new HashSet<>();
    private final Set<String> volumes = new HashSet<>();
    private final Map<String, Boolean> granted = new HashMap<>();

    public EventVisibility(Actor viewer, boolean admin) {
        this.viewer = viewer;
        this.admin = admin;
    }

    /** Whether the viewer may read this event; call it for each event in order, shown or not. */
    public boolean shows(Object payload) {
        if (payload instanceof ContainerCreated c && isViewer(c.actor())) {
            containers.add(c.containerId());
        } else if (payload instanceof ContainerAccessGranted g && isViewer(g.grantee())) {
            granted.put(g.containerId(), true);
        } else if (payload instanceof VolumeCreated v && isViewer(v.actor())) {
            volumes.add(v.volumeId());
        }
        boolean shown = admin || decide(payload);
        if (payload instanceof ContainerAccessRevoked r && isViewer(r.grantee())) {
            granted.remove(r.containerId()); // the revocation itself is still shown to the grantee
        }
        return shown;
    }

    private boolean decide(Object payload) {
        if (payload instanceof AccessDenied d) {
            return isViewer(d.actor());
        }
        if (payload instanceof ImageImported || payload instanceof ImageTagged) {
            return true;
        }
        String containerId = component(payload, "containerId");
        if (containerId != null) {
            return containers.contains(containerId) || granted.containsKey(containerId);
        }
        String volumeId = component(payload, "volumeId");
        return volumeId != null && volumes.contains(volumeId);
    }

    private boolean isViewer(Actor a) {
        return a.uid() == viewer.uid() && (a.uid() != -1 || a.user().equals(viewer.user()));
    }

    private boolean isViewer(Grantee g) {
        return g.uid() == viewer.uid() && (g.uid() != -1 || g.user().equals(viewer.user()));
    }

    /** A record's text component by name (every container event has a containerId), or null. */
    private static String component(Object payload, String name) {
        if (payload == null || !payload.getClass().isRecord()) {
            return null;
        }
        for (RecordComponent rc : payload.getClass().getRecordComponents()) {
            if (rc.getName().equals(name) && rc.getType() == String.class) {
                try {
                    return (String) rc.getAccessor().invoke(payload);
                } catch (ReflectiveOperationException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
