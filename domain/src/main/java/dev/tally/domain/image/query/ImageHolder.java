package dev.tally.domain.image.query;

import dev.tally.domain.Actor;
import java.util.List;

/**
 * Someone who brought an image's content here by their own act (an import, a pull with their
 * credentials, a load), as they were then: their groups decide, under the current policy, whether they
 * were an admin (whose images every user may use).
 */
public record ImageHolder(int uid, String user, List<String> groups) {

    public ImageHolder {
        groups = groups == null ? List.of() : List.copyOf(groups);
        user = user == null ? "" : user;
    }

    public static ImageHolder of(Actor a) {
        return new ImageHolder(a.uid(), a.user(), a.groups());
    }

    /** The holder as an actor, for the policy's admin check. */
    public Actor asActor() {
        return new Actor(uid, -1, user, 0, "", groups, null, "");
    }

    /** Whether this actor is the holder (by uid; by name for a uid-less TLS user). */
    public boolean is(Actor a) {
        return a.uid() == uid && (uid != -1 || a.user().equals(user));
    }
}
