package dev.tally.domain.access;

import java.util.OptionalInt;

/**
 * What authorization must read of the host, behind a port so that the domain does no I/O. Both
 * answers are facts of this moment: callers that act on them later must check them again.
 */
public interface HostLookup {

    /** The uid the host gives this user name; empty when the host has no such user. */
    OptionalInt uidOf(String user);

    /**
     * The absolute path with every symbolic link resolved and no {@code .} or {@code ..} left. For a
     * path whose last components do not exist yet: the real path of its deepest existing ancestor,
     * followed by the rest. INVALID for a relative path.
     */
    String realPath(String absolutePath);
}
