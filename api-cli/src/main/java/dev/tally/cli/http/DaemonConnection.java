package dev.tally.cli.http;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.channels.SocketChannel;

/**
 * One open, blocking connection to the daemon: a socket channel (Unix socket or
 * plain TCP) or a TLS socket. Reading and writing may happen concurrently from
 * two threads. Closing the input stream or calling {@link #close()} closes the
 * whole connection; closing the output stream only half-closes the write side.
 */
public final class DaemonConnection implements Closeable {

    private final SocketChannel channel;
    private final Socket socket;
    private final InputStream input;
    private final OutputStream output;

    DaemonConnection(SocketChannel channel) {
        this.channel = channel;
        this.socket = null;
        this.input = new ChannelReadStream(channel);
        this.output = new ChannelWriteStream(channel);
    }

    /** A connection over a connected socket (TLS), with the streams to use on it. */
    DaemonConnection(Socket socket, InputStream input, OutputStream output) {
        this.channel = null;
        this.socket = socket;
        this.input = input;
        this.output = output;
    }

    /** Bytes from the daemon, unbuffered. */
    public InputStream input() {
        return input;
    }

    /** Bytes to the daemon, unbuffered. */
    public OutputStream output() {
        return output;
    }

    /** Signals end-of-stream to the daemon while still reading its answer (over TLS: close_notify, then FIN). */
    public void shutdownOutput() throws IOException {
        if (channel != null) {
            if (channel.isOpen()) {
                channel.shutdownOutput();
            }
        } else if (!socket.isClosed() && !socket.isOutputShutdown()) {
            socket.shutdownOutput();
        }
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        } else {
            socket.close();
        }
    }
}
