package dev.tally.projections;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The searchable part of up to {@link #SIZE} consecutive audit records, kept as one row: who, what,
 * which container or image, refused or not, and when. A query reads these small rows, picks the
 * records that match, and only then rebuilds those records from their events. One row per record
 * made every replay write (and commit) a row per event, which capped it at about 40,000 events/s.
 *
 * <p>Encoding (version 1): the block's distinct strings once, then per entry the sequence number
 * and time as deltas from the previous entry, string numbers, flags, and the distance back to the
 * first record of the entry's container (its span, see {@link AuditProjection}).
 */
final class AuditBlock {

    /**
     * Entries per block. Each live event reads, extends and rewrites the open block: with 64 that
     * is a few microseconds and under a kilobyte; a query reads about 16,000 blocks per 1,000,000 events.
     */
    static final int SIZE = 64;
    static final String OPEN = "open";
    private static final int VERSION = 1;
    private static final int DENIED = 1;
    private static final int IN_SPAN = 2;
    private static final int IMAGE = 4;
    private static final int IMAGE_ID = 8;

    /**
     * What one record is searched by.
     *
     * @param spanSeq the sequence number of the first record of the entry's container, or -1 when
     *                the record is about no container
     * @param image   the normalized image reference of an image record (empty otherwise: a
     *                container's image is its span's)
     */
    record Entry(long seq, Instant at, String user, String action, boolean denied, long spanSeq, String image,
                 String imageId) {
    }

    private final boolean open;
    private final List<Entry> entries;

    private AuditBlock(boolean open, List<Entry> entries) {
        this.open = open;
        this.entries = entries;
    }

    static AuditBlock empty() {
        return new AuditBlock(true, new ArrayList<>(SIZE));
    }

    /** The key of its row: the first sequence number, zero-padded so that keys sort as numbers, or "open". */
    String key() {
        if (open) {
            return OPEN;
        }
        String digits = Long.toString(firstSeq());
        return digits.length() < 19 && firstSeq() >= 0 ? "0".repeat(19 - digits.length()) + digits
                : String.format("%019d", firstSeq());
    }

    boolean full() {
        return entries.size() >= SIZE;
    }

    /** This block's entries as a sealed block (it is full), under its first sequence number. */
    AuditBlock sealed() {
        return new AuditBlock(false, entries);
    }

    void add(Entry e) {
        entries.add(e);
    }

    List<Entry> entries() {
        return entries;
    }

    long firstSeq() {
        return entries.isEmpty() ? -1 : entries.get(0).seq();
    }

    long lastSeq() {
        return entries.isEmpty() ? -1 : entries.get(entries.size() - 1).seq();
    }

    Instant minAt() {
        Instant min = null;
        for (Entry e : entries) {
            min = min == null || e.at().isBefore(min) ? e.at() : min;
        }
        return min;
    }

    Instant maxAt() {
        Instant max = null;
        for (Entry e : entries) {
            max = max == null || e.at().isAfter(max) ? e.at() : max;
        }
        return max;
    }

    byte[] encode() {
        Map<String, Integer> numbers = new HashMap<>();
        List<String> strings = new ArrayList<>();
        Out body = new Out(entries.size() * 16);
        long seq = 0;
        long seconds = 0;
        for (Entry e : entries) {
            body.varint(e.seq() - seq);
            body.varint(zigzag(e.at().getEpochSecond() - seconds));
            body.varint(e.at().getNano());
            seq = e.seq();
            seconds = e.at().getEpochSecond();
            body.varint(number(e.user(), numbers, strings));
            body.varint(number(e.action(), numbers, strings));
            int flags = (e.denied() ? DENIED : 0) | (e.spanSeq() >= 0 ? IN_SPAN : 0) | (e.image().isEmpty() ? 0 : IMAGE)
                    | (e.imageId().isEmpty() ? 0 : IMAGE_ID);
            body.write(flags);
            if (e.spanSeq() >= 0) {
                body.varint(e.seq() - e.spanSeq());
            }
            if (!e.image().isEmpty()) {
                body.varint(number(e.image(), numbers, strings));
            }
            if (!e.imageId().isEmpty()) {
                body.varint(number(e.imageId(), numbers, strings));
            }
        }
        Out out = new Out(body.size() + strings.size() * 24 + 8);
        out.write(VERSION);
        out.varint(strings.size());
        for (String s : strings) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            out.varint(bytes.length);
            out.write(bytes, 0, bytes.length);
        }
        out.varint(entries.size());
        out.write(body);
        return out.toByteArray();
    }

    static AuditBlock decode(String key, byte[] data) {
        In in = new In(data);
        int version = in.read();
        if (version != VERSION) {
            throw new IllegalArgumentException("audit block " + key + " has encoding version " + version);
        }
        String[] strings = new String[(int) in.varint()];
        for (int i = 0; i < strings.length; i++) {
            int length = (int) in.varint();
            strings[i] = new String(data, in.pos, length, StandardCharsets.UTF_8);
            in.pos += length;
        }
        int count = (int) in.varint();
        List<Entry> entries = new ArrayList<>(Math.max(count, SIZE));
        long seq = 0;
        long seconds = 0;
        for (int i = 0; i < count; i++) {
            seq += in.varint();
            seconds += unzigzag(in.varint());
            Instant at = Instant.ofEpochSecond(seconds, in.varint());
            String user = strings[(int) in.varint()];
            String action = strings[(int) in.varint()];
            int flags = in.read();
            long spanSeq = (flags & IN_SPAN) != 0 ? seq - in.varint() : -1;
            String image = (flags & IMAGE) != 0 ? strings[(int) in.varint()] : "";
            String imageId = (flags & IMAGE_ID) != 0 ? strings[(int) in.varint()] : "";
            entries.add(new Entry(seq, at, user, action, (flags & DENIED) != 0, spanSeq, image, imageId));
        }
        return new AuditBlock(OPEN.equals(key), entries);
    }

    private static int number(String s, Map<String, Integer> numbers, List<String> strings) {
        Integer n = numbers.get(s);
        if (n == null) {
            n = strings.size();
            numbers.put(s, n);
            strings.add(s);
        }
        return n;
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    /**
     * The bytes being encoded. Not a {@link java.io.ByteArrayOutputStream}, whose every write takes a lock: a block
     * is encoded byte by byte, the open one at each live event and every block of the log in a replay.
     */
    private static final class Out {
        private byte[] buf;
        private int count;

        Out(int size) {
            buf = new byte[Math.max(size, 16)];
        }

        void write(int b) {
            if (count == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            buf[count++] = (byte) b;
        }

        void write(byte[] bytes, int offset, int length) {
            if (count + length > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + length));
            }
            System.arraycopy(bytes, offset, buf, count, length);
            count += length;
        }

        void write(Out other) {
            write(other.buf, 0, other.count);
        }

        void varint(long v) {
            while ((v & ~0x7FL) != 0) {
                write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            write((int) v);
        }

        int size() {
            return count;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, count);
        }
    }

    private static final class In {
        private final byte[] data;
        private int pos;

        In(byte[] data) {
            this.data = data;
        }

        int read() {
            return data[pos++] & 0xFF;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; ; shift += 7) {
                int b = read();
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
        }
    }
}
