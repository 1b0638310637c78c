package dev.tally.rest;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * A spool of what is read out of a container ({@code docker cp} out, {@code export}), held to the
 * free space kept on the data root's disk as uploads are ({@link DiskReserve}): the disk holds the
 * event store, and a container's files are whatever its owner made them (a sparse file of a terabyte
 * takes no room in the container and a terabyte in a tar). A write that would leave less than
 * {@code keepFree} fails, and {@link #refused()} says why.
 */
final class KeptFreeOutput extends FilterOutputStream {

    private final DiskReserve reserve;
    private long written;
    private OverLimit refused;

    KeptFreeOutput(OutputStream out, Path onDisk, long keepFree) {
        super(out);
        this.reserve = new DiskReserve(onDisk, keepFree);
    }

    @Override
    public void write(int b) throws IOException {
        room(1);
        out.write(b);
        written++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        room(len);
        out.write(b, off, len);
        written += len;
    }

    /** The refusal, once a write was refused; null until then. */
    OverLimit refused() {
        return refused;
    }

    private void room(long bytes) throws IOException {
        if (refused == null) {
            refused = reserve.refusal(written, bytes, "copy");
        }
        if (refused != null) {
            throw new IOException(refused.getMessage(), refused);
        }
    }
}
