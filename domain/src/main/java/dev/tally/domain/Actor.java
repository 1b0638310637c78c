package dev.tally.domain;

import java.util.List;

/**
 * Who asked. Put on every command by the edge that received the request (never taken from a
 * request body) and recorded on every event.
 *
 * @param uid       the caller's numeric uid: the kernel's peer credentials on the Unix socket, or
 *                  the host uid of the client certificate's CN over TLS (-1 when it has none)
 * @param gid       the caller's primary gid
 * @param user      the user name resolved from the host (or the certificate's CN), or the uid as text
 * @param pid       the caller's pid, informative only; 0 where unknown
 * @param source    where the request came from: {@code unix:pid=123}, {@code tcp:1.2.3.4:5678 cn=alice},
 *                  {@code daemon}
 * @param groups    the names of the caller's groups on the host (primary first); empty when unknown
 *                  (events stored before this field existed)
 * @param loginUid  the login uid of the caller's process ({@code /proc/PID/loginuid}): who logged in,
 *                  even under sudo; null when unset or unknown
 * @param userAgent the client's User-Agent header: what the client says it is, informative only
 */
public record Actor(int uid, int gid, String user, long pid, String source, List<String> groups, Integer loginUid,
                    String userAgent) {

    public Actor {
        groups = groups == null ? List.of() : List.copyOf(groups);
        userAgent = userAgent == null ? "" : userAgent;
    }

    public Actor(int uid, int gid, String user, long pid, String source) {
        this(uid, gid, user, pid, source, List.of(), null, "");
    }

    /** The daemon itself, for facts it observes on the host (exits, reconciliation). */
    public static Actor daemon() {
        return new Actor(0, 0, "tallyd", ProcessHandle.current().pid(), "daemon", List.of("root"), null, "tallyd");
    }

    /** The same caller as seen by a request with this User-Agent. */
    public Actor withUserAgent(String agent) {
        return new Actor(uid, gid, user, pid, source, groups, loginUid, agent);
    }
}
