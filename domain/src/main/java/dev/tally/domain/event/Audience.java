package dev.tally.domain.event;

import dev.tally.domain.container.Grantee;

/**
 * Who besides admins may read an event, and what it changes about who may read the events after it
 * (see {@link dev.tally.domain.access.EventVisibility}).
 *
 * @param scope   whose it is
 * @param id      the container's, volume's or image's id for those scopes; empty otherwise
 * @param change  what it changes
 * @param grantee whom a grant or a revocation is about; null otherwise
 */
public record Audience(Scope scope, String id, Change change, Grantee grantee) {

    public enum Scope {
        /** Whoever owns the container or holds a grant on it. */
        CONTAINER,
        /** Whoever owns the volume. */
        VOLUME,
        /** Every caller. */
        EVERYONE,
        /**
         * Whoever may use the image (as {@code VisibleImages} decides): those who brought it, everyone
         * once an admin brought it or anyone could pull it.
         */
        IMAGE,
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
        REVOKE,
        /** Its actor brought the image here (an import, a pull with credentials, a load): a holder from now on. */
        HELD,
        /** Its actor brought the image, and everyone may use it from now on (a pull without credentials). */
        SHARED,
        /** The object is gone: who reads its events is learnt anew after this one (which is read as before). */
        GONE
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

    public static Audience image(String imageId) {
        return new Audience(Scope.IMAGE, imageId, Change.NONE, null);
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

    /** The same audience, its actor bringing the image: everyone's to use when {@code toEveryone}. */
    public Audience held(boolean toEveryone) {
        return new Audience(scope, id, toEveryone ? Change.SHARED : Change.HELD, null);
    }

    /** The same audience, the object gone after this event. */
    public Audience gone() {
        return new Audience(scope, id, Change.GONE, null);
    }

    public Audience granting(Grantee g) {
        return new Audience(scope, id, Change.GRANT, g);
    }

    public Audience revoking(Grantee g) {
        return new Audience(scope, id, Change.REVOKE, g);
    }
}
