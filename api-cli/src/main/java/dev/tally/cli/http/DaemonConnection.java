package dev.tally.cli.http;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SocketChannel;

/**
 * One open, blocking connection to the daemon. Reading and writing may happen
 * concurrently from two threads. Closing the input stream or calling
 * {@link #close()} closes the whole connection; closing the output stream only
 * half-closes the write side.
 */
public final class DaemonConnection implements Closeable {

    private final SocketChannel channel;
    private final InputStream input;
    private final OutputStream output;

    DaemonConnection(SocketChannel channel) {
        this.channel = channel;
        this.input = new ChannelReadStream(channel);
        this.output = new ChannelWriteStream(channel);
    }

    /** Bytes from the daemon, unbuffered. */
    public InputStream input() {
        return input;
    }

    /** Bytes to the daemon, unbuffered. */
    public OutputStream output() {
        return output;
    }

    /** Signals end-of-stream to the daemon while still reading its answer. */
    public void shutdownOutput() throws IOException {
        if (channel.isOpen()) {
            channel.shutdownOutput();
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
