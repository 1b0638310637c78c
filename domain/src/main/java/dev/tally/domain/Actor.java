package dev.tally.domain;

/**
 * Who asked. Put on every command by the edge that received the request (never taken from a
 * request body) and recorded on every event.
 *
 * @param uid    the caller's numeric uid, from the kernel's peer credentials
 * @param gid    the caller's primary gid
 * @param user   the user name resolved from the host, or the uid as text
 * @param pid    the caller's pid, informative only; 0 where unknown
 * @param source where the request came from: {@code unix:pid=123}, {@code daemon}
 */
public record Actor(int uid, int gid, String user, long pid, String source) {

    /** The daemon itself, for facts it observes on the host (exits, reconciliation). */
    public static Actor daemon() {
        return new Actor(0, 0, "tallyd", ProcessHandle.current().pid(), "daemon");
    }
}
