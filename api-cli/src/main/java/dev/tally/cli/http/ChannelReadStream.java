package dev.tally.cli.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Reads a blocking socket channel. Unlike {@code Channels.newInputStream} it does
 * not hold the channel's blocking lock, so another thread may write meanwhile.
 * Each read returns as soon as some bytes arrived. Closing it closes the channel.
 */
final class ChannelReadStream extends InputStream {

    private final SocketChannel channel;

    ChannelReadStream(SocketChannel channel) {
        this.channel = channel;
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
        int n = channel.read(ByteBuffer.wrap(buffer, offset, length));
        return n < 0 ? -1 : n;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
