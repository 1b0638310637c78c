package dev.tally.rest;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.access.LimitRefusals;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The daemon's connections under {@link ConnectionLimits}: each is counted against its user from the
 * moment it opens (who it is comes from the kernel or the certificate, as for a request), closed
 * when idle, and, beyond a limit, refused: its first request is answered 429 with Docker's
 * {@code {"message": …}} and the connection closed (a refusal over the per-user limit is recorded
 * through {@link LimitRefusals}). A refused connection that sends no request is closed after
 * {@link #REFUSED_GRACE_SECONDS}; beyond {@link #REFUSED_HELD} of those at once, at once.
 *
 * <p>Idle is decided on the connection's own event loop: Netty's {@link IdleStateHandler} reports no
 * byte either way for the idle time, and the connection is closed only if no request is in flight
 * (a request was read whose response has not been written to its end) and it was not hijacked. So
 * a silent {@code /events}, {@code logs -f}, wait or stop, and attach or exec, are never cut.
 * Reaching the channel needs Vert.x internals, as {@link CallerIdentity} and {@link Hijack} do.
 */
final class Connections {

    static final int REFUSED_GRACE_SECONDS = 5;
    static final int REFUSED_HELD = 64;
    private static final AttributeKey<Boolean> HIJACKED = AttributeKey.valueOf("tally.hijacked");
    private static final AttributeKey<String> REFUSAL = AttributeKey.valueOf("tally.refusal");

    private final ConnectionLimits limits;
    private final Predicate<Actor> uncounted;
    private final LimitRefusals refusals;
    private final Map<String, Integer> open = new HashMap<>();
    private int usersOpen;
    private int refusedOpen;

    private final java.util.function.Supplier<Map<String, String>> tlsUsers;

    /** @param tlsUsers the policy's map from client certificate CN to user, as {@link CallerIdentity} takes it */
    Connections(ConnectionLimits limits, Predicate<Actor> uncounted, LimitRefusals refusals,
                java.util.function.Supplier<Map<String, String>> tlsUsers) {
        this.limits = limits;
        this.uncounted = uncounted;
        this.refusals = refusals;
        this.tlsUsers = tlsUsers;
    }

    /** Marks a connection as a stream of raw bytes from now on (hijacked): never idle. */
    static void hijacked(Channel channel) {
        channel.attr(HIJACKED).set(true);
    }

    /**
     * Options every server of the daemon needs for this: no idle timeout of Vert.x's own (it counts
     * bytes only, so it would cut silent streams), and no cleartext HTTP/2 (Vert.x then waits for a
     * client's first bytes before it reports the connection, so a silent one would go uncounted).
     */
    static io.vertx.core.http.HttpServerOptions prepared(io.vertx.core.http.HttpServerOptions options) {
        return options.setIdleTimeout(0).setHttp2ClearTextEnabled(false);
    }

    /** Serves {@code requests} on {@code server} with its connections counted, timed out and refused as above. */
    HttpServer install(HttpServer server, Handler<HttpServerRequest> requests) {
        server.connectionHandler(connection -> {
            String refusal = opened(connection);
            if (refusal != null) {
                ((ConnectionBase) connection).channel().attr(REFUSAL).set(refusal);
            }
        });
        return server.requestHandler(request -> {
            String refusal = ((ConnectionBase) request.connection()).channel().attr(REFUSAL).get();
            if (refusal == null) {
                requests.handle(request);
                return;
            }
            request.response().setStatusCode(429).putHeader("Content-Type", "application/json")
                    .putHeader("Connection", "close").end(new JsonObject().put("message", refusal).encode() + "\n")
                    .onComplete(x -> request.connection().close());
        });
    }

    /** Counts, watches and perhaps refuses a new connection; the refusal's message, or null. */
    private String opened(HttpConnection connection) {
        Channel channel = ((ConnectionBase) connection).channel();
        Actor who;
        try {
            who = CallerIdentity.of(connection, tlsUsers.get());
        } catch (DomainException anonymous) {
            who = null; // plain TCP on loopback, or a certificate that is nobody here: counted as one user
        }
        boolean counted = who == null || !uncounted.test(who);
        String user = who == null ? "anonymous" : who.uid() >= 0 ? "uid " + who.uid() : "user " + who.user();
        String refusal = null;
        boolean perUser = false;
        boolean hold = true;
        synchronized (this) {
            if (counted && open.getOrDefault(user, 0) >= limits.perUser()) {
                perUser = true;
                refusal = "too many connections of " + (who == null ? "anonymous clients" : who.user()) + " at once: "
                        + limits.perUser() + " open (the limit per user); close idle ones first";
            } else if (counted && usersOpen >= limits.usersTotal()) {
                refusal = "too many connections from users at once: " + limits.usersTotal()
                        + " open (the daemon's limit for all users together); retry later";
            }
            if (refusal == null) {
                if (counted) {
                    open.merge(user, 1, Integer::sum);
                    usersOpen++;
                }
            } else if (refusedOpen >= REFUSED_HELD) {
                hold = false;
            } else {
                refusedOpen++;
            }
        }
        if (refusal != null) {
            if (perUser && who != null) {
                refusals.refuse(who, "connection.open", refusal);
            } else {
                DaemonLog.line("connection refused: " + refusal);
            }
            if (!hold) {
                channel.close();
                return refusal;
            }
            channel.eventLoop().schedule(() -> channel.close(), REFUSED_GRACE_SECONDS, TimeUnit.SECONDS);
            channel.closeFuture().addListener(f -> {
                synchronized (this) {
                    refusedOpen--;
                }
            });
            return refusal;
        }
        if (counted) {
            channel.closeFuture().addListener(f -> closed(user));
        }
        if (!limits.idle().isZero()) {
            channel.pipeline().addFirst("tally-idle", new IdleStateHandler(0, 0, limits.idle().toMillis(), TimeUnit.MILLISECONDS));
            channel.pipeline().addBefore("handler", "tally-requests", new InFlight());
        }
        return null;
    }

    private synchronized void closed(String user) {
        open.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
        usersOpen--;
    }

    /** Connections of this user open now, counted (for tests and diagnostics). */
    synchronized int open(Actor who) {
        return open.getOrDefault(who.uid() >= 0 ? "uid " + who.uid() : "user " + who.user(), 0);
    }

    /**
     * Counts requests read and responses written to their end, on the connection's event loop, and
     * closes the connection on an idle report when none is in flight and it was not hijacked. Idle
     * reports go no further (Vert.x would close on its own terms).
     */
    private static final class InFlight extends ChannelDuplexHandler {
        private int inFlight;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof HttpRequest) {
                inFlight++;
            }
            super.channelRead(ctx, msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            boolean interim = msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL;
            if (msg instanceof LastHttpContent && !interim && inFlight > 0) {
                inFlight--;
            }
            super.write(ctx, msg, promise);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (!(evt instanceof IdleStateEvent)) {
                super.userEventTriggered(ctx, evt);
                return;
            }
            if (inFlight == 0 && !Boolean.TRUE.equals(ctx.channel().attr(HIJACKED).get())) {
                ctx.close();
            }
        }
    }
}
