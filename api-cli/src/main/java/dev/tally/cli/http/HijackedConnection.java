package dev.tally.cli.http;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A connection taken over after a {@code 101 Switching Protocols} answer: raw
 * bytes both ways. {@link #input()} and {@link #output()} may be used from two
 * threads at once.
 */
public final class HijackedConnection implements Closeable {

    private final DaemonConnection connection;
    private final InputStream input;

    HijackedConnection(DaemonConnection connection, InputStream input) {
        this.connection = connection;
        this.input = input;
    }

    /** Bytes from the daemon (including any that arrived together with the 101 headers); ends when it closes. */
    public InputStream input() {
        return input;
    }

    /** Bytes to the daemon, unbuffered. */
    public OutputStream output() {
        return connection.output();
    }

    /** Half-closes: the daemon sees end-of-stream while {@link #input()} stays readable. */
    public void closeWrite() throws IOException {
        connection.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
