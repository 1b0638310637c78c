package dev.tally.runtime.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The bytes of a tar stream passed on unchanged to the tar reader, while the {@code SCHILY.xattr.NAME}
 * values of each entry's PAX header are kept as raw bytes: commons-compress gives PAX values as
 * UTF-8 strings, which loses a binary value (a file capability with a byte of 0x80 or more). After the
 * reader has returned an entry, {@link #xattrs()} gives that entry's values. It follows the stream's
 * structure itself (512-byte headers, contents padded to 512), so the reader must sit directly on it
 * and read it in order; what the reader skips is read here and dropped.
 */
final class PaxXattrTap extends FilterInputStream {

    private static final int BLOCK = 512;
    private static final String PREFIX = "SCHILY.xattr.";
    /** A PAX header larger than this is passed on without its values being kept. */
    private static final int MAX_PAX = 1 << 20;

    private final byte[] header = new byte[BLOCK];
    private int headerFill;
    /** Bytes of the current entry's content and padding still to come; 0 while a header is read. */
    private long contentLeft;
    /** Extension blocks of an old GNU sparse header still to come. */
    private boolean sparseExtension;
    /** The content of a PAX header being read, or null. */
    private byte[] pax;
    private int paxFill;
    private Map<String, byte[]> pending = new HashMap<>();
    private Map<String, byte[]> current = Map.of();

    PaxXattrTap(InputStream in) {
        super(in);
    }

    /** The raw {@code SCHILY.xattr.} values of the entry whose header was read last, by attribute name. */
    Map<String, byte[]> xattrs() {
        return current;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            see(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            see(b, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(n, 64 << 10)];
        long skipped = 0;
        while (skipped < n) {
            int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void see(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end) {
            if (contentLeft > 0) {
                int n = (int) Math.min(contentLeft, end - i);
                if (pax != null) {
                    int keep = Math.min(n, pax.length - paxFill);
                    System.arraycopy(b, i, pax, paxFill, keep);
                    paxFill += keep;
                }
                contentLeft -= n;
                i += n;
                if (contentLeft == 0 && pax != null) {
                    pending.putAll(values(pax, paxFill));
                    pax = null;
                }
                continue;
            }
            int n = Math.min(BLOCK - headerFill, end - i);
            System.arraycopy(b, i, header, headerFill, n);
            headerFill += n;
            i += n;
            if (headerFill == BLOCK) {
                headerFill = 0;
                onHeader();
            }
        }
    }

    private void onHeader() {
        if (sparseExtension) {
            sparseExtension = header[504] != 0;
            if (!sparseExtension) {
                contentLeft = padded(size());
            }
            return;
        }
        boolean empty = true;
        for (byte x : header) {
            if (x != 0) {
                empty = false;
                break;
            }
        }
        if (empty) {
            return;
        }
        byte type = header[156];
        long size = size();
        if (type == 'x' || type == 'X') {
            pax = size <= MAX_PAX ? new byte[(int) size] : null;
            paxFill = 0;
        } else if (type != 'g' && type != 'L' && type != 'K') {
            current = pending;
            pending = new HashMap<>();
        }
        if (type == 'S' && header[482] != 0) {
            sparseExtension = true;
            return;
        }
        contentLeft = padded(size);
        if (contentLeft == 0 && pax != null) {
            pax = null;
        }
    }

    private static long padded(long size) {
        return (size + BLOCK - 1) / BLOCK * BLOCK;
    }

    /** The size field: octal, or base-256 when its first byte has the high bit set. */
    private long size() {
        if ((header[124] & 0x80) != 0) {
            long v = header[124] & 0x7f;
            for (int i = 125; i < 136; i++) {
                v = (v << 8) | (header[i] & 0xff);
            }
            return v;
        }
        int i = 124;
        while (i < 136 && header[i] == ' ') {
            i++;
        }
        long v = 0;
        for (; i < 136 && header[i] >= '0' && header[i] <= '7'; i++) {
            v = v * 8 + (header[i] - '0');
        }
        return v;
    }

    /** The {@code SCHILY.xattr.} records of a PAX header ({@code "LEN KEY=VALUE\n"}), values as bytes. */
    static Map<String, byte[]> values(byte[] records, int length) {
        Map<String, byte[]> out = new HashMap<>();
        int i = 0;
        while (i < length) {
            int space = i;
            long len = 0;
            while (space < length && records[space] >= '0' && records[space] <= '9' && len < Integer.MAX_VALUE) {
                len = len * 10 + (records[space] - '0');
                space++;
            }
            if (space >= length || records[space] != ' ' || len <= 0 || i + len > length) {
                break; // malformed: the tar reader says so, or keeps what it can; nothing more is kept here
            }
            int recordEnd = (int) (i + len);
            int eq = space + 1;
            while (eq < recordEnd && records[eq] != '=') {
                eq++;
            }
            if (eq < recordEnd && records[recordEnd - 1] == '\n') {
                String key = new String(records, space + 1, eq - space - 1, StandardCharsets.UTF_8);
                if (key.startsWith(PREFIX)) {
                    byte[] value = java.util.Arrays.copyOfRange(records, eq + 1, recordEnd - 1);
                    out.put(key.substring(PREFIX.length()), value);
                }
            }
            i = recordEnd;
        }
        return out;
    }
}
