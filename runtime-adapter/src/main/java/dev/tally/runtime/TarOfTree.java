package dev.tally.runtime;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntUnaryOperator;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes a tree held in an {@link InRoot} as a tar, entry by entry from descriptors: each entry is
 * opened relative to its parent without following it, a file is read through the descriptor that
 * was checked to be a regular file, so a link or a special file put in its place mid-walk is written
 * as what it is, never followed or read. Owners are shown as the container sees them ({@code toContainer}).
 */
final class TarOfTree {

    /** Directories held open at once, one per level: a tree deeper than this is refused. */
    static final int MAX_DEPTH = 256;

    private final TarArchiveOutputStream out;
    private final IntUnaryOperator uidToContainer;
    private final IntUnaryOperator gidToContainer;

    TarOfTree(OutputStream target, IntUnaryOperator uidToContainer, IntUnaryOperator gidToContainer) {
        this.out = new TarArchiveOutputStream(target);
        this.out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        this.out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        this.uidToContainer = uidToContainer;
        this.gidToContainer = gidToContainer;
    }

    /** Writes {@code held} (and, for a directory, all below it) as {@code name}; an empty name writes only what is below. */
    void write(InRoot.Held held, String name) throws IOException {
        write(held, held.stat(), name, 0);
    }

    /** One entry as {@code name}: for a directory, its own header only (what is below it is the caller's). */
    void single(InRoot.Held held, String name) throws IOException {
        InRoot.Stat st = held.stat();
        if (st.isDirectory()) {
            header(new TarArchiveEntry(name + "/", TarConstants.LF_DIR), st);
            out.closeArchiveEntry();
            return;
        }
        write(held, st, name, 0);
    }

    /** An empty file owned by root, mode 0600: a layer's whiteout ({@code .wh.NAME}) or opaque marker. */
    void marker(String name) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
        e.setSize(0);
        e.setMode(0600);
        out.putArchiveEntry(e);
        out.closeArchiveEntry();
    }

    /** Ends the archive (the underlying stream stays open). */
    void finish() throws IOException {
        out.finish();
    }

    private void write(InRoot.Held held, InRoot.Stat st, String name, int depth) throws IOException {
        if (st.isDirectory()) {
            if (depth > MAX_DEPTH) {
                throw DomainException.invalid("the tree at " + held.name + " is deeper than " + MAX_DEPTH + " levels");
            }
            if (!name.isEmpty()) {
                header(new TarArchiveEntry(name + "/", TarConstants.LF_DIR), st);
                out.closeArchiveEntry();
            }
            for (String child : InRoot.names(held)) {
                try (InRoot.Held c = InRoot.entryIfPresent(held, child, held.name + "/" + child)) {
                    if (c != null) {
                        write(c, c.stat(), name.isEmpty() ? child : name + "/" + child, depth + 1);
                    }
                }
            }
            return;
        }
        if (st.isRegularFile()) {
            TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
            e.setSize(st.size());
            header(e, st);
            copy(held, st.size());
            out.closeArchiveEntry();
        } else if (st.isSymbolicLink()) {
            TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
            e.setLinkName(InRoot.readLink(held));
            header(e, st);
            out.closeArchiveEntry();
        } else if (st.isCharDevice() || st.isBlockDevice()) {
            TarArchiveEntry e = new TarArchiveEntry(name, st.isCharDevice() ? TarConstants.LF_CHR : TarConstants.LF_BLK);
            e.setDevMajor(st.rdevMajor());
            e.setDevMinor(st.rdevMinor());
            header(e, st);
            out.closeArchiveEntry();
        } else if (st.isFifo()) {
            header(new TarArchiveEntry(name, TarConstants.LF_FIFO), st);
            out.closeArchiveEntry();
        }
        // sockets have no form in a tar: left out, as Docker's archiver leaves them
    }

    private void header(TarArchiveEntry e, InRoot.Stat st) throws IOException {
        e.setMode(st.mode() & 07777);
        e.setUserId(uidToContainer.applyAsInt(st.uid()));
        e.setGroupId(gidToContainer.applyAsInt(st.gid()));
        e.setModTime(st.mtimeSeconds() * 1000 + st.mtimeNanos() / 1_000_000);
        out.putArchiveEntry(e);
    }

    /**
     * The file's bytes through the held descriptor ({@code /proc/self/fd/N} opens exactly the file
     * held, a regular file). Exactly {@code size} bytes: a file that shrank meanwhile is padded with
     * zeros, what it grew by is left out.
     */
    private void copy(InRoot.Held file, long size) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long left = size;
        try (InputStream in = Files.newInputStream(Path.of(file.procPath()))) {
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    break;
                }
                out.write(buf, 0, n);
                left -= n;
            }
        }
        java.util.Arrays.fill(buf, (byte) 0);
        while (left > 0) {
            int n = (int) Math.min(buf.length, left);
            out.write(buf, 0, n);
            left -= n;
        }
    }
}
