package dev.tally.rest;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.Native;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
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

    /** Netty's epoll channels share this base class, which is not public; its setFlag(int) is protected, clearFlag(int) package-private. */
    private static final String EPOLL_CHANNEL = "io.netty.channel.epoll.AbstractEpollChannel";
    private static final Method SET_FLAG = flagMethod("setFlag");
    private static final Method CLEAR_FLAG = flagMethod("clearFlag");

    private HalfClosedOutput() {
    }

    /** Watches this connection's half-close; other transports than epoll need nothing. */
    static void keep(Channel channel) {
        if (SET_FLAG != null && SET_FLAG.getDeclaringClass().isInstance(channel)) {
            channel.pipeline().addFirst(new HalfClosedOutput());
        }
    }

    /**
     * Stops or resumes reading the client (Netty's auto-read); from any thread. While reading is
     * stopped epoll watches no input, and a half-close of the client then empties the interest set
     * (its report clears the last flag): the edge-triggered bit is added before reading stops, for
     * the reason above, and taken back when reading resumes on a connection whose input is still
     * open (after reading is asked for again, so that the set is never empty in between).
     */
    static void reading(Channel channel, boolean on) {
        channel.eventLoop().execute(() -> {
            boolean epoll = SET_FLAG != null && CLEAR_FLAG != null && SET_FLAG.getDeclaringClass().isInstance(channel);
            if (!on) {
                if (epoll) {
                    flag(channel, SET_FLAG);
                }
                channel.config().setAutoRead(false);
                return;
            }
            channel.config().setAutoRead(true);
            if (epoll && !(channel instanceof DuplexChannel duplex && duplex.isInputShutdown())) {
                flag(channel, CLEAR_FLAG);
            }
        });
    }

    private static void flag(Channel channel, Method change) {
        try {
            change.invoke(channel, Native.EPOLLET);
        } catch (IllegalAccessException | InvocationTargetException e) {
            Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
            System.err.println("tallyd: changing a hijacked connection's epoll interest failed: " + cause);
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

    private static Method flagMethod(String name) {
        try {
            Method m = Class.forName(EPOLL_CHANNEL).getDeclaredMethod(name, int.class);
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.err.println("tallyd: this Netty has no epoll interest flags to reach (" + e
                    + "); output after a client's half-close may stall");
            return null;
        }
    }
}
