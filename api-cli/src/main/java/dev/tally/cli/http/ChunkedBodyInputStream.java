package dev.tally.cli.http;

import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes a chunked transfer-encoded body as it arrives: each read returns the
 * bytes already received, never waiting for a whole chunk or the whole body.
 * Ends after the terminating zero-size chunk and its trailers. Closing it closes
 * the underlying stream.
 */
final class ChunkedBodyInputStream extends InputStream {

    private final InputStream in;
    private long remainingInChunk;
    private boolean chunkDataEnded;
    private boolean finished;

    ChunkedBodyInputStream(InputStream in) {
        this.in = in;
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
        if (remainingInChunk == 0 && !nextChunk()) {
            return -1;
        }
        int n = in.read(buffer, offset, (int) Math.min(length, remainingInChunk));
        if (n < 0) {
            throw new IOException("the daemon closed the connection in the middle of a chunk");
        }
        remainingInChunk -= n;
        if (remainingInChunk == 0) {
            chunkDataEnded = true;
        }
        return n;
    }

    /** Moves to the next chunk with data; false once the body has ended. */
    private boolean nextChunk() throws IOException {
        if (finished) {
            return false;
        }
        if (chunkDataEnded) {
            String crlf = ResponseHead.readLine(in);
            if (crlf == null || !crlf.isEmpty()) {
                throw new IOException("malformed chunked body from the daemon: missing CRLF after a chunk");
            }
            chunkDataEnded = false;
        }
        String sizeLine = ResponseHead.readLine(in);
        if (sizeLine == null) {
            throw new IOException("the daemon closed the connection before the end of a chunked body");
        }
        int extension = sizeLine.indexOf(';');
        String hex = (extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim();
        long size;
        try {
            size = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
            throw new IOException("malformed chunk size from the daemon: " + sizeLine);
        }
        if (size < 0) {
            throw new IOException("malformed chunk size from the daemon: " + sizeLine);
        }
        if (size == 0) {
            skipTrailers();
            finished = true;
            return false;
        }
        remainingInChunk = size;
        return true;
    }

    private void skipTrailers() throws IOException {
        String line;
        do {
            line = ResponseHead.readLine(in);
        } while (line != null && !line.isEmpty());
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
