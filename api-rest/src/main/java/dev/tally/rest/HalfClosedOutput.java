package dev.tally.rest;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.Native;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Keeps the output of a hijacked connection flowing once the client has shut its sending side, as
 * the docker CLI does at once when it sends no stdin.
 *
 * <p>Netty 4.2's epoll transport then has nothing left to watch on the socket (no input, no
 * hang-up to wait for) and removes it from epoll, yet keeps it marked as registered. The next time
 * the socket's send buffer fills (a few hundred small frames on a Unix socket), asking epoll to
 * report when it drains fails ({@code epoll_ctl(MOD)}: ENOENT), the pending frames are failed and
 * every later write waits for a report that never comes: {@code docker run busybox seq 1 20000}
 * printed its first 278 lines, and whatever was left unsent when the container ended was dropped.
 *
 * <p>When the input ends, this adds epoll's edge-triggered bit to the channel's interest set, so
 * the set is never empty and the socket stays registered. Only writability is watched from then
 * on, which Netty handles edge-triggered as well; a hang-up of the client is reported once rather
 * than on every wake-up.
 */
final class HalfClosedOutput extends ChannelInboundHandlerAdapter {

    /** Netty's epoll channels share this base class, which is not public; its setFlag(int) is protected. */
    private static final String EPOLL_CHANNEL = "io.netty.channel.epoll.AbstractEpollChannel";
    private static final Method SET_FLAG = setFlag();

    private HalfClosedOutput() {
    }

    /** Watches this connection's half-close; other transports than epoll need nothing. */
    static void keep(Channel channel) {
        if (SET_FLAG != null && SET_FLAG.getDeclaringClass().isInstance(channel)) {
            channel.pipeline().addFirst(new HalfClosedOutput());
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent) {
            try {
                SET_FLAG.invoke(ctx.channel(), Native.EPOLLET);
            } catch (IllegalAccessException | InvocationTargetException e) {
                Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
                System.err.println("tallyd: keeping a half-closed connection registered failed: " + cause);
            }
        }
        super.userEventTriggered(ctx, evt);
    }

    private static Method setFlag() {
        try {
            Method m = Class.forName(EPOLL_CHANNEL).getDeclaredMethod("setFlag", int.class);
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.err.println("tallyd: this Netty has no epoll interest flags to reach (" + e
                    + "); output after a client's half-close may stall");
            return null;
        }
    }
}
