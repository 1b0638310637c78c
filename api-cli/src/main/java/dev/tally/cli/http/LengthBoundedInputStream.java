package dev.tally.cli.http;

import java.io.IOException;
import java.io.InputStream;

/**
 * Exposes exactly the next {@code length} bytes of a stream, then end-of-stream,
 * even if the connection stays open. Closing it closes the underlying stream.
 */
final class LengthBoundedInputStream extends InputStream {

    private final InputStream in;
    private long remaining;

    LengthBoundedInputStream(InputStream in, long length) {
        this.in = in;
        this.remaining = length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (remaining == 0) {
            return -1;
        }
        int n = in.read(buffer, offset, (int) Math.min(length, remaining));
        if (n < 0) {
            throw new IOException("the daemon closed the connection with " + remaining + " body bytes missing");
        }
        remaining -= n;
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
