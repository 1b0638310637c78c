package dev.tally.cli.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Writes a blocking socket channel without holding its blocking lock, so another
 * thread may read meanwhile. Closing it half-closes the write side only.
 */
final class ChannelWriteStream extends OutputStream {

    private final SocketChannel channel;

    ChannelWriteStream(SocketChannel channel) {
        this.channel = channel;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(buffer, offset, length);
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    @Override
    public void close() throws IOException {
        if (channel.isOpen()) {
            channel.shutdownOutput();
        }
    }
}
