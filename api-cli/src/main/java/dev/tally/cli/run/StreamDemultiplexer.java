package dev.tally.cli.run;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits docker's multiplexed stream (used when there is no TTY): frames of an
 * 8-byte header {@code [stream, 0, 0, 0, size as uint32 big-endian]} then
 * {@code size} bytes of payload. Stream 1 is stdout, 2 is stderr (0, stdin echo,
 * goes to stdout). Each frame is flushed as soon as it is copied, so output
 * appears while the container runs.
 */
public final class StreamDemultiplexer {

    private static final int HEADER_SIZE = 8;
    private static final int STDERR = 2;
    private static final int SYSTEM_ERROR = 3;

    private StreamDemultiplexer() {
    }

    /**
     * Copies frames until the input ends between two frames.
     *
     * @throws EOFException when the input ends inside a frame
     * @throws IOException  when the daemon sends an error frame (stream 3), with its text
     */
    public static void copy(InputStream in, OutputStream stdout, OutputStream stderr) throws IOException {
        byte[] header = new byte[HEADER_SIZE];
        byte[] buffer = new byte[32 * 1024];
        while (true) {
            int got = in.readNBytes(header, 0, HEADER_SIZE);
            if (got == 0) {
                return;
            }
            if (got < HEADER_SIZE) {
                throw new EOFException("the multiplexed stream ended inside a frame header");
            }
            int stream = header[0] & 0xff;
            long size = ((header[4] & 0xffL) << 24) | ((header[5] & 0xffL) << 16)
                    | ((header[6] & 0xffL) << 8) | (header[7] & 0xffL);
            if (stream == SYSTEM_ERROR) {
                byte[] message = in.readNBytes((int) Math.min(size, 64 * 1024));
                throw new IOException(new String(message, StandardCharsets.UTF_8).trim());
            }
            OutputStream target = stream == STDERR ? stderr : stdout;
            while (size > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, size));
                if (n < 0) {
                    throw new EOFException("the multiplexed stream ended inside a frame");
                }
                target.write(buffer, 0, n);
                size -= n;
            }
            target.flush();
        }
    }
}
