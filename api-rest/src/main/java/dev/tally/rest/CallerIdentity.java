package dev.tally.rest;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Who is on the other end of a request, from the kernel (SO_PEERCRED on the Unix socket), never
 * from anything the client sent. Reaching the channel needs Vert.x internals: they stay here.
 */
final class CallerIdentity {

    private CallerIdentity() {
    }

    static Actor of(HttpServerRequest request) {
        Channel channel = ((ConnectionBase) request.connection()).channel();
        if (channel instanceof EpollDomainSocketChannel unix) {
            try {
                PeerCredentials creds = unix.peerCredentials();
                int gid = creds.gids().length > 0 ? creds.gids()[0] : -1;
                return new Actor(creds.uid(), gid, userName(creds.uid()), creds.pid(), "unix:pid=" + creds.pid());
            } catch (IOException e) {
                throw new DomainException(DomainException.Kind.DENIED, "cannot read the caller's credentials");
            }
        }
        return TlsCallerIdentity.of(request.connection());
    }

    /** The name /etc/passwd gives the uid, or the uid as text. */
    static String userName(int uid) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] f = line.split(":");
                if (f.length > 2 && f[2].equals(Integer.toString(uid))) {
                    return f[0];
                }
            }
        } catch (IOException ignored) {
            // fall back to the number
        }
        return Integer.toString(uid);
    }
}
