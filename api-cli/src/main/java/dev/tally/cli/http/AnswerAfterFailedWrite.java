package dev.tally.cli.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The daemon's answer after sending the request failed part-way. Reads pass
 * through; if nothing can be read at all, the original write failure is thrown
 * instead, since it explains the problem better than a closed connection.
 */
final class AnswerAfterFailedWrite extends FilterInputStream {

    private final IOException writeFailure;
    private boolean anyByteRead;

    AnswerAfterFailedWrite(InputStream in, IOException writeFailure) {
        super(in);
        this.writeFailure = writeFailure;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n;
        try {
            n = in.read(buffer, offset, length);
        } catch (IOException readFailure) {
            if (anyByteRead) {
                throw readFailure;
            }
            throw writeFailure;
        }
        if (n < 0 && !anyByteRead) {
            throw writeFailure;
        }
        if (n > 0) {
            anyByteRead = true;
        }
        return n;
    }
}
