package dev.tally.domain.image.registry;

import dev.tally.domain.Actor;

/**
 * Which registries a caller may pull from or push to (admins' policy for non-admins). A refusal is
 * DENIED, and the policy records it as {@code AccessDenied} before it throws.
 */
public interface RegistryPolicy {

    /** Allows everything. */
    RegistryPolicy ANY = new RegistryPolicy() {
        @Override
        public void checkPull(RemoteReference reference, Actor actor) {
        }

        @Override
        public void checkPush(RemoteReference reference, Actor actor) {
        }
    };

    void checkPull(RemoteReference reference, Actor actor);

    void checkPush(RemoteReference reference, Actor actor);
}
