package dev.tally.rest;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.NetSocket;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Docker's hijack: {@code POST …/attach} with {@code Upgrade: tcp} is answered {@code 101} and the
 * connection becomes a raw byte stream. Vert.x upgrades only GET requests through its public API,
 * so this reaches its internal upgrade directly; nothing else in tally depends on Vert.x internals
 * for this.
 */
final class Hijack {

    private static final Method NET_SOCKET;

    static {
        try {
            Class<?> response = Class.forName("io.vertx.core.http.impl.http1.Http1ServerResponse");
            NET_SOCKET = response.getDeclaredMethod("netSocket", HttpMethod.class, MultiMap.class);
            NET_SOCKET.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError("this Vert.x has no HTTP/1 upgrade to reach: " + e);
        }
    }

    private Hijack() {
    }

    /**
     * Runs {@code action} once when the client half-closes (shuts its write side): the docker CLI does
     * that at the end of stdin. Vert.x does not report a half-close on a socket, Netty does. Over
     * TLS the client's close_notify alert ends its input too: Go's TLS connection half-closes with
     * that alone, without shutting down TCP. It runs after every byte read before has reached the
     * socket's handler, as long as the socket is never paused (see {@link #reading}).
     */
    static void onInputShutdown(HttpServerRequest request, Runnable action) {
        Channel channel = ((ConnectionBase) request.connection()).channel();
        ChannelInboundHandlerAdapter watcher = new ChannelInboundHandlerAdapter() {
            private boolean ended;

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                if (!ended && (evt instanceof ChannelInputShutdownEvent || evt instanceof SslCloseCompletionEvent)) {
                    ended = true;
                    action.run();
                }
                super.userEventTriggered(ctx, evt);
            }
        };
        ChannelHandlerContext tls = channel.pipeline().context(SslHandler.class);
        if (tls == null) {
            channel.pipeline().addFirst(watcher);
        } else {
            channel.pipeline().addAfter(tls.name(), null, watcher);
        }
    }

    /**
     * Stops and resumes reading this hijacked connection's input (Netty's auto-read), for a relay
     * whose queue is full; from any thread. Not the socket's own pause: that holds read bytes in
     * Vert.x's queue while Netty goes on to the client's half-close, which {@link #onInputShutdown}
     * reports at once, ahead of those bytes. A half-close while reading is stopped is still seen:
     * Netty then reads what is left up to the end (and {@link HalfClosedOutput} keeps the output going).
     */
    static StdinRelay.Reading reading(HttpServerRequest request) {
        Channel channel = ((ConnectionBase) request.connection()).channel();
        return on -> channel.eventLoop().execute(() -> channel.config().setAutoRead(on));
    }

    /**
     * Sends {@code 101} with Docker's headers and hands back the raw connection. A client that did
     * not ask for an upgrade (docker-java without stdin: Testcontainers' exec) gets what dockerd
     * sends it: {@code 200}, no length, and the stream until the connection closes.
     */
    @SuppressWarnings("unchecked")
    static Future<NetSocket> upgrade(HttpServerRequest request, HttpServerResponse response, String contentType) {
        Channel channel = ((ConnectionBase) request.connection()).channel();
        // The docker CLI half-closes its side at once when it sends no stdin; output must go on.
        channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        Connections.hijacked(channel); // a stream from now on: never closed as idle
        HalfClosedOutput.keep(channel);
        String upgrade = request.getHeader("Upgrade");
        boolean asked = upgrade != null && !upgrade.isBlank();
        response.putHeader("Content-Type", contentType);
        if (asked) {
            response.putHeader("Connection", "Upgrade").putHeader("Upgrade", "tcp");
        }
        MultiMap asUpgrade = MultiMap.caseInsensitiveMultiMap().add("Connection", "Upgrade").add("Upgrade", "tcp");
        try {
            // Vert.x answers a CONNECT 200 and an upgrade 101, then hands over the connection either way
            return (Future<NetSocket>) NET_SOCKET.invoke(response, asked ? HttpMethod.GET : HttpMethod.CONNECT, asUpgrade);
        } catch (IllegalAccessException | InvocationTargetException e) {
            Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
            return Future.failedFuture(cause);
        }
    }
}
