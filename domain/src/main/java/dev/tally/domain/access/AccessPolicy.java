package dev.tally.domain.access;

import dev.tally.domain.Actor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who is an admin, and which host paths ordinary users may bind. Admins are root, members of an
 * admin group, and users the policy names; everyone else who reaches the daemon is a user, who sees
 * and acts only on what they own or were granted.
 *
 * @param adminUsers       user names that are admins whatever their groups
 * @param adminGroups      groups whose members are admins ({@code tally-admin} by default)
 * @param allowedBindPaths host directories (absolute) that users may bind into their containers,
 *                         each with everything below it
 * @param tlsUsers         who a client certificate is over TCP with mutual TLS: its subject's CN to a
 *                         user name (a host account, or a name with no account: a remote-only user).
 *                         A CN not listed is nobody; only a CN listed as {@code root} is root.
 * @param pullRegistries   the registries ({@code host[:port]}, {@code docker.io} for Docker Hub) users
 *                         may pull from; empty: any. Admins pull from any.
 * @param pushRegistries   the registries users may push to, named as {@code pullRegistries}; empty: any.
 *                         Admins push to any.
 */
public record AccessPolicy(Set<String> adminUsers, Set<String> adminGroups, List<String> allowedBindPaths,
                           Map<String, String> tlsUsers, Set<String> pullRegistries, Set<String> pushRegistries) {

    public static final String ADMIN_GROUP = "tally-admin";

    public AccessPolicy {
        adminUsers = adminUsers == null ? Set.of() : Set.copyOf(adminUsers);
        adminGroups = adminGroups == null || adminGroups.isEmpty() ? Set.of(ADMIN_GROUP) : Set.copyOf(adminGroups);
        allowedBindPaths = allowedBindPaths == null ? List.of() : List.copyOf(allowedBindPaths);
        tlsUsers = tlsUsers == null ? Map.of() : Map.copyOf(tlsUsers);
        pullRegistries = pullRegistries == null ? Set.of() : Set.copyOf(pullRegistries);
        pushRegistries = pushRegistries == null ? Set.of() : Set.copyOf(pushRegistries);
    }

    /** A policy that limits no registry users push to. */
    public AccessPolicy(Set<String> adminUsers, Set<String> adminGroups, List<String> allowedBindPaths,
                        Map<String, String> tlsUsers, Set<String> pullRegistries) {
        this(adminUsers, adminGroups, allowedBindPaths, tlsUsers, pullRegistries, Set.of());
    }

    /** A policy that limits no registry. */
    public AccessPolicy(Set<String> adminUsers, Set<String> adminGroups, List<String> allowedBindPaths,
                        Map<String, String> tlsUsers) {
        this(adminUsers, adminGroups, allowedBindPaths, tlsUsers, Set.of());
    }

    /** A policy that maps no client certificate to anyone. */
    public AccessPolicy(Set<String> adminUsers, Set<String> adminGroups, List<String> allowedBindPaths) {
        this(adminUsers, adminGroups, allowedBindPaths, Map.of());
    }

    /** Root and the admin group only; no bind paths for users; no client certificate is anyone. */
    public static AccessPolicy defaults() {
        return new AccessPolicy(Set.of(), Set.of(ADMIN_GROUP), List.of());
    }

    public boolean isAdmin(Actor actor) {
        return actor.uid() == 0 || adminUsers.contains(actor.user())
                || actor.groups().stream().anyMatch(adminGroups::contains);
    }

    /** Whether this actor may pull from this registry ({@code host[:port]}, {@code docker.io}). */
    public boolean pullAllowed(Actor actor, String registry) {
        return pullRegistries.isEmpty() || isAdmin(actor) || pullRegistries.contains(registry);
    }

    /** Whether this actor may push to this registry ({@code host[:port]}, {@code docker.io}). */
    public boolean pushAllowed(Actor actor, String registry) {
        return pushRegistries.isEmpty() || isAdmin(actor) || pushRegistries.contains(registry);
    }

    /** Whether a user may bind this host path: it must lie, after normalizing, under an allowed one. */
    public boolean bindAllowed(String hostPath) {
        if (hostPath == null || !hostPath.startsWith("/")) {
            return false;
        }
        Path p = Path.of(hostPath).normalize();
        return allowedBindPaths.stream().map(a -> Path.of(a).normalize()).anyMatch(p::startsWith);
    }
}
