package dev.tally.domain.event;

import dev.tally.domain.container.Grantee;

/**
 * Who besides admins may read an event, and what it changes about who may read the events after it
 * (see {@link dev.tally.domain.access.EventVisibility}).
 *
 * @param scope   whose it is
 * @param id      the container's or volume's id for those scopes; empty otherwise
 * @param change  what it changes
 * @param grantee whom a grant or a revocation is about; null otherwise
 */
public record Audience(Scope scope, String id, Change change, Grantee grantee) {

    public enum Scope {
        /** Whoever owns the container or holds a grant on it. */
        CONTAINER,
        /** Whoever owns the volume. */
        VOLUME,
        /** Every caller (images are shared). */
        EVERYONE,
        /** Its actor only (a refusal). */
        ACTOR,
        /** Admins only: what the daemon did on the host outside any user's object. */
        ADMINS
    }

    public enum Change {
        NONE,
        /** Its actor owns the object from now on (its creation). */
        OWNER,
        /** The grantee reads the object's events from this one on. */
        GRANT,
        /** The grantee reads no more of them after this one (which they still read). */
        REVOKE
    }

    public static Audience container(String id) {
        return new Audience(Scope.CONTAINER, id, Change.NONE, null);
    }

    public static Audience volume(String id) {
        return new Audience(Scope.VOLUME, id, Change.NONE, null);
    }

    public static Audience everyone() {
        return new Audience(Scope.EVERYONE, "", Change.NONE, null);
    }

    public static Audience actorOnly() {
        return new Audience(Scope.ACTOR, "", Change.NONE, null);
    }

    public static Audience admins() {
        return new Audience(Scope.ADMINS, "", Change.NONE, null);
    }

    /** The same audience, its actor becoming the object's owner. */
    public Audience owned() {
        return new Audience(scope, id, Change.OWNER, null);
    }

    public Audience granting(Grantee g) {
        return new Audience(scope, id, Change.GRANT, g);
    }

    public Audience revoking(Grantee g) {
        return new Audience(scope, id, Change.REVOKE, g);
    }
}
