package dev.tally.runtime;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntUnaryOperator;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes a tree held in an {@link InRoot} as a tar, entry by entry from descriptors: each entry is
 * opened relative to its parent without following it, a file is read through the descriptor that
 * was checked to be a regular file, so a link or a special file put in its place mid-walk is written
 * as what it is, never followed or read. Owners are shown as the container sees them ({@code toContainer}).
 * A regular file met again under another name (the same inode on the same device, more than one link)
 * is written as a hard link to the name it was first written as, with no body. With {@code xattrs}, the
 * extended attributes an image's layer carries (those tally's own unpacking applies: {@code user.*}
 * and {@code security.capability}) of files and directories go in a PAX header as raw bytes
 * ({@code SCHILY.xattr.NAME}); a capability of revision 3 (tied to a user namespace's root) is written
 * as revision 2, as Docker's archiver does.
 */
final class TarOfTree {

    /** Directories held open at once, one per level: a tree deeper than this is refused. */
    static final int MAX_DEPTH = 256;

    private final TarArchiveOutputStream out;
    private final IntUnaryOperator uidToContainer;
    private final IntUnaryOperator gidToContainer;
    private final boolean xattrs;
    /** The name each file with more than one link was first written as, by device and inode. */
    private final Map<String, String> linked = new HashMap<>();

    TarOfTree(OutputStream target, IntUnaryOperator uidToContainer, IntUnaryOperator gidToContainer) {
        this(target, uidToContainer, gidToContainer, false);
    }

    TarOfTree(OutputStream target, IntUnaryOperator uidToContainer, IntUnaryOperator gidToContainer, boolean xattrs) {
        this.out = new TarArchiveOutputStream(target);
        this.out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        this.out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        this.uidToContainer = uidToContainer;
        this.gidToContainer = gidToContainer;
        this.xattrs = xattrs;
    }

    /** Writes {@code held} (and, for a directory, all below it) as {@code name}; an empty name writes only what is below. */
    void write(InRoot.Held held, String name) throws IOException {
        write(held, held.stat(), name, 0);
    }

    /** One entry as {@code name}: for a directory, its own header only (what is below it is the caller's). */
    void single(InRoot.Held held, String name) throws IOException {
        InRoot.Stat st = held.stat();
        if (st.isDirectory()) {
            header(new TarArchiveEntry(name + "/", TarConstants.LF_DIR), st, held);
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
                header(new TarArchiveEntry(name + "/", TarConstants.LF_DIR), st, held);
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
            String first = st.nlink() > 1 ? linked.putIfAbsent(st.devMajor() + ":" + st.devMinor() + ":" + st.ino(), name)
                    : null;
            if (first != null) {
                TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK);
                e.setLinkName(first);
                header(e, st, null);
                out.closeArchiveEntry();
                return;
            }
            TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
            e.setSize(st.size());
            header(e, st, held);
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
        header(e, st, null);
    }

    /** The entry's header, after a PAX header of the extended attributes of {@code attributesOf} when it has any. */
    private void header(TarArchiveEntry e, InRoot.Stat st, InRoot.Held attributesOf) throws IOException {
        e.setMode(st.mode() & 07777);
        e.setUserId(uidToContainer.applyAsInt(st.uid()));
        e.setGroupId(gidToContainer.applyAsInt(st.gid()));
        e.setModTime(st.mtimeSeconds() * 1000 + st.mtimeNanos() / 1_000_000);
        Map<String, byte[]> carried = xattrs && attributesOf != null ? carried(attributesOf) : Map.of();
        if (carried.isEmpty()) {
            out.putArchiveEntry(e);
            return;
        }
        // commons-compress writes PAX values as UTF-8 text, which would change a binary value: the PAX
        // header is written here, whole (with the long path and link it would have added), and the
        // entry's own header after it, with nothing of the writer's own PAX header left to add
        Map<String, byte[]> records = new LinkedHashMap<>();
        if (utf8(e.getName()).length >= TarConstants.NAMELEN) {
            records.put("path", utf8(e.getName()));
        }
        if (!e.getLinkName().isEmpty() && utf8(e.getLinkName()).length >= TarConstants.NAMELEN) {
            records.put("linkpath", utf8(e.getLinkName()));
        }
        carried.forEach((k, v) -> records.put("SCHILY.xattr." + k, v));
        byte[] pax = PaxRecords.encode(records);
        TarArchiveEntry header = new TarArchiveEntry(PaxRecords.headerName(e.getName()),
                TarConstants.LF_PAX_EXTENDED_HEADER_LC);
        header.setSize(pax.length);
        header.setModTime(e.getModTime());
        out.putArchiveEntry(header);
        out.write(pax);
        out.closeArchiveEntry();
        out.setLongFileMode(TarArchiveOutputStream.LONGFILE_TRUNCATE);
        out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_STAR);
        try {
            out.putArchiveEntry(e);
        } finally {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        }
    }

    /** The attributes a layer carries of what is held, by name (sorted, so that the same tree gives the same tar). */
    private static Map<String, byte[]> carried(InRoot.Held held) {
        Map<String, byte[]> out = new TreeMap<>();
        for (String name : held.xattrNames()) {
            if (!name.startsWith("user.") && !name.equals(CAPABILITY)) {
                continue;
            }
            byte[] value = held.xattr(name);
            if (value == null) {
                continue; // removed meanwhile
            }
            out.put(name, name.equals(CAPABILITY) ? capabilityRevision2(value) : value);
        }
        return out;
    }

    private static final String CAPABILITY = "security.capability";

    /**
     * {@code vfs_cap_data} of revision 3 names the user namespace root it applies under (a host uid, in
     * a remapped container): as Docker's archiver, the layer takes it as revision 2 (its first 20 bytes),
     * which applies wherever the image is unpacked.
     */
    static byte[] capabilityRevision2(byte[] value) {
        if (value.length >= 24 && value[3] == 3) {
            byte[] v2 = java.util.Arrays.copyOf(value, 20);
            v2[3] = 2;
            return v2;
        }
        return value;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
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
