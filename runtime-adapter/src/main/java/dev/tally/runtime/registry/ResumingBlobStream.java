package dev.tally.runtime.registry;

import dev.tally.domain.DomainException;
import dev.tally.domain.image.registry.Descriptor;
import java.io.IOException;
import java.io.InputStream;

/**
 * A blob's bytes that survive a broken connection: when the body breaks off or ends before the
 * blob's size, the rest is asked for again with {@code Range: bytes=N-}, up to {@link #RETRIES} times.
 * More bytes than the blob's size is an error at once (a hostile registry cannot make us read
 * forever). The bytes are not verified here; the reader verifies the digest. Another thread may
 * {@link #close} it to stop its reader (a pull stopping its other layers): the reader's read then
 * fails at once, and the blob is not asked for again.
 */
final class ResumingBlobStream extends InputStream {

    static final int RETRIES = 3;

    private final RegistrySession session;
    private final Descriptor blob;
    private volatile InputStream current;
    private long position;
    private int retries;
    private volatile boolean closed;

    ResumingBlobStream(RegistrySession session, Descriptor blob) {
        this.session = session;
        this.blob = blob;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("closed");
        }
        if (len == 0) {
            return 0;
        }
        while (true) {
            try {
                InputStream body = current;
                if (body == null) {
                    current = body = open();
                    if (closed) {
                        closeCurrent();
                        throw new StoppedException();
                    }
                }
                int n = body.read(b, off, len);
                if (n > 0) {
                    position += n;
                    if (position > blob.size()) {
                        throw new DomainException(DomainException.Kind.INVALID, "blob " + blob.digest() + " of "
                                + session.familiarName() + ": the registry sent more than its " + blob.size() + " bytes");
                    }
                    return n;
                }
                if (n < 0 && position >= blob.size()) {
                    return -1;
                }
                if (n == 0) {
                    continue;
                }
                throw new IOException("the registry ended the blob at byte " + position + " of " + blob.size());
            } catch (StoppedException stopped) {
                throw stopped;
            } catch (IOException broken) {
                closeCurrent();
                if (closed) {
                    throw new StoppedException();
                }
                if (++retries > RETRIES) {
                    throw new IOException("blob " + blob.digest() + " of " + session.familiarName()
                            + ": the connection broke " + retries + " times (last at byte " + position + "): "
                            + broken.getMessage(), broken);
                }
            }
        }
    }

    /** A refusal of the registry (a DomainException) is no broken connection: it is not retried. */
    private InputStream open() throws IOException {
        return session.fetchBlob(blob, position);
    }

    private void closeCurrent() {
        InputStream body = current;
        if (body != null) {
            try {
                body.close();
            } catch (IOException ignored) {
                // already broken
            }
            current = null;
        }
    }

    /** Closes the body being read too, which wakes a reader waiting for its bytes. */
    @Override
    public void close() {
        closed = true;
        closeCurrent();
    }

    /** A read of a stream that was closed. */
    private static final class StoppedException extends IOException {
        StoppedException() {
            super("closed");
        }
    }
}
