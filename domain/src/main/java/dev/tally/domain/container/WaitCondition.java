package dev.tally.domain.container;

import dev.tally.domain.DomainException;

/** {@code docker wait}'s conditions: which status of the container answers a waiting client. */
public enum WaitCondition {
    /** Not running nor starting (the default); a container in that state already answers at once. */
    NOT_RUNNING("not-running"),
    /** The next exit (or removal) from now. */
    NEXT_EXIT("next-exit"),
    /** The container's removal. */
    REMOVED("removed");

    private final String name;

    WaitCondition(String name) {
        this.name = name;
    }

    /**
     * The condition by Docker's name; NOT_RUNNING for none or an empty one (the docker CLI 20.10
     * sends {@code condition=} when none was asked for, and dockerd reads it as the default);
     * INVALID, in Docker's words, for any other.
     */
    public static WaitCondition named(String name) {
        if (name == null || name.isEmpty()) {
            return NOT_RUNNING;
        }
        for (WaitCondition c : values()) {
            if (c.name.equals(name)) {
                return c;
            }
        }
        throw DomainException.invalid("invalid condition: \"" + name + "\"");
    }

    /** Whether a container with this status answers the client. */
    public boolean isMetBy(ContainerStatus status) {
        return switch (this) {
            case REMOVED -> status == ContainerStatus.REMOVED;
            case NEXT_EXIT -> status == ContainerStatus.EXITED || status == ContainerStatus.REMOVED;
            case NOT_RUNNING -> status != ContainerStatus.RUNNING && status != ContainerStatus.STARTING;
        };
    }

    /** Whether the status the container has when the client asks may answer it (else only a change does). */
    public boolean countsTheStatusAtTheStart() {
        return this == NOT_RUNNING;
    }
}
