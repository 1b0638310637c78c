package dev.tally.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/**
 * The stderr of a {@code runc exec} without a TTY, which is both the command's stderr and
 * runc's: when runc cannot start the command, it prints its error there as the last line, and
 * docker shows that failure in its own words instead. This stream passes every byte through
 * except a last line that starts as runc's does and that the predicate names runc's failure:
 * such a line is held back while it could be the last one (a few bytes, until more output
 * follows or the stream ends).
 */
final class RuncFatalLineFilter extends InputStream {

    private static final byte[] PREFIX = "exec failed: ".getBytes(StandardCharsets.US_ASCII);

    private final InputStream in;
    private final Predicate<String> isRuncFailure;
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();
    private byte[] ready = new byte[0];
    private int readyAt;
    private boolean atLineStart = true;
    private boolean heldLineComplete;
    private boolean ended;

    /** @param isRuncFailure told a complete last line (without its newline) after the stream ended */
    RuncFatalLineFilter(InputStream in, Predicate<String> isRuncFailure) {
        this.in = in;
        this.isRuncFailure = isRuncFailure;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (readyAt >= ready.length) {
            if (ended) {
                return -1;
            }
            fill();
        }
        int n = Math.min(length, ready.length - readyAt);
        System.arraycopy(ready, readyAt, buffer, offset, n);
        readyAt += n;
        return n;
    }

    private void fill() throws IOException {
        byte[] chunk = new byte[8192];
        int n = in.read(chunk);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (n < 0) {
            ended = true;
            if (held.size() > 0) {
                String line = held.toString(StandardCharsets.UTF_8);
                boolean drop = heldLineComplete && isRuncFailure.test(line.substring(0, line.length() - 1));
                if (!drop) {
                    held.writeTo(out);
                }
                held.reset();
            }
        }
        for (int i = 0; i < n; i++) {
            accept(chunk[i], out);
        }
        ready = out.toByteArray();
        readyAt = 0;
    }

    private void accept(byte b, ByteArrayOutputStream out) {
        if (held.size() > 0) {
            if (heldLineComplete) {
                release(out);
            } else {
                held.write(b);
                int at = held.size() - 1;
                if (b == '\n') {
                    heldLineComplete = at >= PREFIX.length;
                    if (!heldLineComplete) {
                        release(out);
                        atLineStart = true;
                    }
                } else if (at < PREFIX.length && PREFIX[at] != b) {
                    release(out);
                    atLineStart = false;
                }
                return;
            }
        }
        if (atLineStart && b == PREFIX[0]) {
            held.write(b);
            heldLineComplete = false;
            atLineStart = false;
            return;
        }
        out.write(b);
        atLineStart = b == '\n';
    }

    private void release(ByteArrayOutputStream out) {
        byte[] bytes = held.toByteArray();
        out.write(bytes, 0, bytes.length);
        atLineStart = bytes[bytes.length - 1] == '\n';
        held.reset();
        heldLineComplete = false;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
