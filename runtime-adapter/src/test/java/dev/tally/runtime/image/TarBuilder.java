package dev.tally.runtime.image;

import io.airlift.compress.zstd.ZstdOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** A tar built entry by entry for tests: {@code file(name, text)}, {@code symlink(name, target)}, …; then its bytes, plain, gzip or zstd. */
public final class TarBuilder {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream out = new TarArchiveOutputStream(bytes);
    private byte[] done;

    public TarBuilder() {
        out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    public TarBuilder file(String name, String text) throws IOException {
        return file(name, text, 0644);
    }

    public TarBuilder file(String name, String text, int mode) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        return file(e, text, mode);
    }

    /** A file with extended attributes, as PAX headers ({@code SCHILY.xattr.NAME}) carry them. */
    public TarBuilder fileWithXattr(String name, String text, String xattr, String value) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.addPaxHeader("SCHILY.xattr." + xattr, value);
        return file(e, text, 0644);
    }

    /**
     * A file whose PAX header carries {@code SCHILY.xattr.NAME} with these bytes as they are (as GNU tar
     * and Go's archive/tar write a binary value; commons-compress's writer would encode a string).
     */
    public TarBuilder fileWithRawXattrs(String name, String text, java.util.Map<String, byte[]> xattrs) throws IOException {
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        for (java.util.Map.Entry<String, byte[]> x : xattrs.entrySet()) {
            byte[] key = ("SCHILY.xattr." + x.getKey() + "=").getBytes(StandardCharsets.UTF_8);
            int body = 1 + key.length + x.getValue().length + 1;
            int length = body + String.valueOf(body).length();
            if (String.valueOf(length).length() != String.valueOf(body).length()) {
                length++;
            }
            records.write((length + " ").getBytes(StandardCharsets.US_ASCII));
            records.write(key);
            records.write(x.getValue());
            records.write('\n');
        }
        TarArchiveEntry pax = new TarArchiveEntry("./PaxHeaders/" + name, TarConstants.LF_PAX_EXTENDED_HEADER_LC, true);
        pax.setSize(records.size());
        out.putArchiveEntry(pax);
        out.write(records.toByteArray());
        out.closeArchiveEntry();
        return file(name, text);
    }

    private TarBuilder file(TarArchiveEntry e, String text, int mode) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        e.setSize(b.length);
        e.setMode(mode);
        out.putArchiveEntry(e);
        out.write(b);
        out.closeArchiveEntry();
        return this;
    }

    /** A file of these bytes. */
    public TarBuilder fileBytes(String name, byte[] b) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setSize(b.length);
        e.setMode(0644);
        out.putArchiveEntry(e);
        out.write(b);
        out.closeArchiveEntry();
        return this;
    }

    public TarBuilder dir(String name) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", true);
        e.setMode(0755);
        out.putArchiveEntry(e);
        out.closeArchiveEntry();
        return this;
    }

    public TarBuilder symlink(String name, String target) throws IOException {
        return link(name, target, TarConstants.LF_SYMLINK);
    }

    public TarBuilder hardlink(String name, String target) throws IOException {
        return link(name, target, TarConstants.LF_LINK);
    }

    public TarBuilder link(String name, String target, byte type) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        e.setLinkName(target);
        out.putArchiveEntry(e);
        out.closeArchiveEntry();
        return this;
    }

    /** An entry of another type (a fifo, a device): only its header. */
    public TarBuilder special(String name, byte type) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        e.setMode(0644);
        out.putArchiveEntry(e);
        out.closeArchiveEntry();
        return this;
    }

    public byte[] bytes() {
        if (done == null) {
            try {
                out.finish();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            done = bytes.toByteArray();
        }
        return done;
    }

    public ByteArrayInputStream done() {
        return new ByteArrayInputStream(bytes());
    }

    public byte[] gzip() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(b)) {
            gz.write(bytes());
        }
        return b.toByteArray();
    }

    public byte[] zstd() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream z = new ZstdOutputStream(b)) {
            z.write(bytes());
        }
        return b.toByteArray();
    }
}
