package dev.tally.rest;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Who is on the other end of a request, from the kernel (SO_PEERCRED on the Unix socket), never
 * from anything the client sent. Reaching the channel needs Vert.x internals: they stay here.
 *
 * <p>The uid is the kernel's and is trusted. Groups (and so admin rights: {@code tally-admin}) are
 * decided at every request: a group counts when the account has it now (its primary group in
 * /etc/passwd, or a listing in /etc/group, re-read whenever either file changes) and the peer's
 * process has it too ({@code /proc/PID/status} and the peer's gid, only while that process still
 * has the peer's uid, so a recycled pid cannot lend its groups; a process that is gone leaves the
 * account's). So removing a user from a group takes effect on their next request, even from a shell
 * that logged in before, and a process that dropped a group stays without it. A uid without an
 * account has its peer gid only. The login uid ({@code /proc/PID/loginuid}) tells who logged in,
 * even under sudo; it only informs.
 */
final class CallerIdentity {

    private static final HostAccounts ACCOUNTS = HostAccounts.system();
    private static final long UNSET_LOGIN_UID = 4294967295L;

    private CallerIdentity() {
    }

    /** @param tlsUsers the policy's map from client certificate CN to user, for TCP with mutual TLS */
    static Actor of(HttpServerRequest request, java.util.Map<String, String> tlsUsers) {
        return of(request.connection(), tlsUsers);
    }

    /** Who is on the other end of a connection (the same for each of its requests). */
    static Actor of(HttpConnection connection, java.util.Map<String, String> tlsUsers) {
        Channel channel = ((ConnectionBase) connection).channel();
        if (channel instanceof EpollDomainSocketChannel unix) {
            try {
                PeerCredentials creds = unix.peerCredentials();
                int gid = creds.gids().length > 0 ? creds.gids()[0] : -1;
                return peer(creds.uid(), gid, creds.pid(), Path.of("/proc"), ACCOUNTS);
            } catch (IOException e) {
                throw new DomainException(DomainException.Kind.DENIED, "cannot read the caller's credentials");
            }
        }
        return TlsCallerIdentity.of(connection, tlsUsers);
    }

    /** The actor for a peer whose kernel credentials are these, with its groups and login uid. */
    static Actor peer(int uid, int gid, int pid, Path proc, HostAccounts accounts) {
        Optional<HostAccounts.User> user = accounts.user(uid);
        String name = user.map(HostAccounts.User::name).orElse(Integer.toString(uid));
        Path status = proc.resolve(Integer.toString(pid)).resolve("status");
        int primary;
        List<Integer> supplementary = new ArrayList<>();
        if (user.isPresent()) {
            Set<Integer> account = new LinkedHashSet<>(accounts.supplementaryGids(user.get().name()));
            account.add(user.get().gid());
            Optional<List<Integer>> running = processGroups(status, uid);
            Set<Integer> held = new LinkedHashSet<>(running.orElse(List.copyOf(account)));
            if (running.isPresent() && gid >= 0) {
                held.add(gid);
            }
            held.retainAll(account);
            primary = gid >= 0 && held.contains(gid) ? gid : user.get().gid();
            held.stream().filter(g -> g != primary).forEach(supplementary::add);
        } else {
            primary = gid;
        }
        List<String> groups = primary < 0 ? List.of() : accounts.groupNames(primary, supplementary);
        Integer loginUid = loginUid(proc.resolve(Integer.toString(pid)).resolve("loginuid"));
        return new Actor(uid, primary, name, pid, "unix:pid=" + pid, groups, loginUid, "");
    }

    /**
     * The {@code Groups:} of a process's status, if it still runs with this real uid; empty when it
     * is gone or is someone else's now.
     */
    static Optional<List<Integer>> processGroups(Path status, int uid) {
        List<String> lines;
        try {
            lines = Files.readAllLines(status);
        } catch (IOException e) {
            return Optional.empty();
        }
        Integer realUid = null;
        List<Integer> groups = null;
        for (String line : lines) {
            if (line.startsWith("Uid:")) {
                String[] f = line.substring(4).trim().split("\\s+");
                realUid = parse(f[0]);
            } else if (line.startsWith("Groups:")) {
                groups = new ArrayList<>();
                for (String g : line.substring(7).trim().split("\\s+")) {
                    Integer n = g.isEmpty() ? null : parse(g);
                    if (n != null) {
                        groups.add(n);
                    }
                }
            }
        }
        if (realUid == null || realUid != uid || groups == null) {
            return Optional.empty();
        }
        return Optional.of(groups);
    }

    static Integer loginUid(Path file) {
        try {
            long v = Long.parseLong(Files.readString(file).strip());
            return v == UNSET_LOGIN_UID || v < 0 || v > Integer.MAX_VALUE ? null : (int) v;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    private static Integer parse(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
