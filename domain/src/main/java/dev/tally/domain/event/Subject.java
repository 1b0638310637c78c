package dev.tally.domain.event;

/**
 * The object an event is about, as its audit record names it.
 *
 * @param kind      the resource ({@code container}, {@code image}, {@code volume}); for a refusal, the
 *                  resource of the refused action ({@code audit} for {@code audit.verify})
 * @param id        its id, or empty
 * @param name      its name, or empty
 * @param image     the image it is or runs, its reference normalized, or empty
 * @param imageId   that image's id, or empty
 * @param container whether and how it names a container (which a reader may have to look up)
 */
public record Subject(String kind, String id, String name, String image, String imageId, Container container) {

    /** How a subject names a container. */
    public enum Container {
        /** It is not a container. */
        NONE,
        /** A container the event names in full (id, name, image): its creation. */
        NAMED,
        /** A container known by its id only: readers take its name and image from its creation. */
        BY_ID,
        /**
         * What a caller typed for a container ({@code name} holds it): readers resolve it to the
         * container's id and name when it is the id of a known container, and keep it as typed.
         */
        REFERENCED
    }

    public static Subject container(String id) {
        return new Subject("container", id, "", "", "", Container.BY_ID);
    }

    /** @param image its image's reference, normalized */
    public static Subject container(String id, String name, String image, String imageId) {
        return new Subject("container", id, name, image, imageId, Container.NAMED);
    }

    public static Subject image(String id, String reference) {
        return new Subject("image", id, reference, reference, id, Container.NONE);
    }

    /** Something on the host that no object of the log holds: its kind and what the host calls it. */
    public static Subject host(String kind, String id) {
        return new Subject("host", id, kind + "/" + id, "", "", Container.NONE);
    }

    public static Subject volume(String id, String name) {
        return new Subject("volume", id, name, "", "", Container.NONE);
    }
}
