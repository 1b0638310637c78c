package dev.tally.runtime;

import dev.tally.domain.DomainException;
import dev.tally.domain.container.LogCursor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Reads conmon's k8s-file log: one record per line, {@code <RFC3339Nano> <stdout|stderr> <F|P> <bytes>},
 * where P marks a partial line (no newline was written). Only whole records are returned.
 *
 * <p>At {@code --log-size-max} conmon 2.x starts the log afresh: it closes the file (after an fsync),
 * creates {@code ctr.log.tmp} and renames it over {@code ctr.log}, so the old file is unlinked and
 * final. This cursor reads the file it opened to its end, then, once the path names another file,
 * closes the old one and reads the new one from its start: a follower neither loses nor repeats a
 * record across the switch (as long as it reads between two switches) and holds no deleted file.
 */
final class K8sLogCursor implements LogCursor {

    /** The most read forward at once. */
    static final int CHUNK = 1 << 20;
    /** What is read at once from the end, for {@link #tail}. */
    static final int BLOCK = 64 << 10;

    private final Path file;
    private FileChannel in;
    private Object inKey;
    private long offset;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    K8sLogCursor(Path file) {
        this.file = file;
    }

    @Override
    public List<Line> next() {
        try {
            if (in == null && !open()) {
                return new ArrayList<>();
            }
            List<Line> lines = readForward();
            if (!lines.isEmpty() || offset < in.size() || !replaced()) {
                return lines;
            }
            // The path names a new file, and the old one is final: read what it got before the switch.
            lines = readForward();
            if (!lines.isEmpty() || offset < in.size()) {
                return lines;
            }
            switchToNewFile();
            return in == null ? lines : readForward();
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "read log " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the last records backwards, block by block from the end, so that memory holds the records
     * kept and one block (plus one record that spans blocks), never the file.
     */
    @Override
    public List<Line> tail(int n, Predicate<Line> wanted) {
        try {
            if (in == null && !open()) {
                return new ArrayList<>();
            }
            Deque<Line> found = new ArrayDeque<>();
            long end = backwards(n, wanted, found);
            if (end >= 0) {
                offset = end;
                pending.reset();
            }
            return new ArrayList<>(found);
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "read log " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void skipToEnd() {
        tail(0, line -> false);
    }

    /**
     * Walks the file from its end down to the cursor's offset, adding up to {@code n} wanted records
     * to the front of {@code found}; returns where the last whole record ends (-1 when none does).
     */
    private long backwards(int n, Predicate<Line> wanted, Deque<Line> found) throws IOException {
        long start = offset;
        long pos = in.size();
        long end = -1;
        byte[] carry = new byte[0]; // the end of a record whose start is in an earlier block
        while (pos > start && found.size() < n || pos > start && end < 0) {
            int len = (int) Math.min(BLOCK, pos - start);
            pos -= len;
            byte[] buf = new byte[len + carry.length];
            readFully(pos, buf, len);
            System.arraycopy(carry, 0, buf, len, carry.length);
            int hi = buf.length; // the newline that ends the record being collected
            for (int i = buf.length - 1; i >= 0 && (found.size() < n || end < 0); i--) {
                if (buf[i] != '\n') {
                    continue;
                }
                if (end < 0) {
                    end = pos + i + 1; // what follows is a record still being written: left for next()
                } else {
                    keep(buf, i + 1, hi, n, wanted, found);
                }
                hi = i;
            }
            if (found.size() >= n && end >= 0) {
                return end;
            }
            carry = end < 0 ? new byte[0] : java.util.Arrays.copyOf(buf, hi);
        }
        if (end >= 0 && carry.length > 0) {
            keep(carry, 0, carry.length, n, wanted, found); // the first record of the file
        }
        return end;
    }

    private static void keep(byte[] buf, int from, int to, int n, Predicate<Line> wanted, Deque<Line> found) {
        if (found.size() >= n) {
            return;
        }
        Line line = parse(java.util.Arrays.copyOfRange(buf, from, to));
        if (line != null && wanted.test(line)) {
            found.addFirst(line);
        }
    }

    private List<Line> readForward() throws IOException {
        List<Line> lines = new ArrayList<>();
        long length = in.size();
        if (length < offset) {
            offset = 0; // truncated in place: read it again from its start
            pending.reset();
        }
        if (length <= offset) {
            return lines;
        }
        byte[] buf = new byte[(int) Math.min(length - offset, CHUNK)];
        readFully(offset, buf, buf.length);
        int start = 0;
        for (int i = 0; i < buf.length; i++) {
            if (buf[i] == '\n') {
                pending.write(buf, start, i - start);
                Line line = parse(pending.toByteArray());
                if (line != null) {
                    lines.add(line);
                }
                pending.reset();
                start = i + 1;
            }
        }
        pending.write(buf, start, buf.length - start);
        offset += buf.length;
        return lines;
    }

    private void readFully(long position, byte[] into, int len) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(into, 0, len);
        while (b.hasRemaining()) {
            if (in.read(b, position + b.position()) < 0) {
                throw new IOException("the log ended at " + (position + b.position()) + " while reading it");
            }
        }
    }

    /** Opens the file the path names now, knowing which file that is; false when there is none yet. */
    private boolean open() throws IOException {
        for (int attempt = 0; attempt < 3; attempt++) {
            Object before = key(file);
            if (before == null) {
                return false;
            }
            FileChannel channel;
            try {
                channel = FileChannel.open(file, StandardOpenOption.READ);
            } catch (NoSuchFileException gone) {
                continue;
            }
            if (before.equals(key(file))) {
                in = channel;
                inKey = before;
                return true;
            }
            channel.close(); // replaced while it was opened: open the new one
        }
        return false;
    }

    /** Whether the path now names another file than the one open (conmon started the log afresh). */
    private boolean replaced() throws IOException {
        Object now = key(file);
        return now != null && !Objects.equals(now, inKey);
    }

    private void switchToNewFile() throws IOException {
        in.close();
        in = null;
        inKey = null;
        offset = 0;
        pending.reset(); // conmon writes whole records: nothing of one is left at a file's end
        open();
    }

    private static Object key(Path file) throws IOException {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** A record, or null for one that is not a record (a line cut short, or not conmon's). */
    static Line parse(byte[] record) {
        int sp1 = indexOf(record, ' ', 0);
        int sp2 = sp1 < 0 ? -1 : indexOf(record, ' ', sp1 + 1);
        int sp3 = sp2 < 0 ? -1 : indexOf(record, ' ', sp2 + 1);
        if (sp3 < 0 || sp3 != sp2 + 2) {
            return null;
        }
        Instant time;
        try {
            time = OffsetDateTime.parse(new String(record, 0, sp1, StandardCharsets.US_ASCII)).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
        String stream = new String(record, sp1 + 1, sp2 - sp1 - 1, StandardCharsets.US_ASCII);
        boolean full = record[sp2 + 1] == 'F';
        int len = record.length - sp3 - 1;
        byte[] bytes = new byte[len + (full ? 1 : 0)];
        System.arraycopy(record, sp3 + 1, bytes, 0, len);
        if (full) {
            bytes[len] = '\n';
        }
        return new Line(stream.equals("stderr") ? 2 : 1, time, bytes);
    }

    private static int indexOf(byte[] b, char c, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void close() {
        try {
            if (in != null) {
                in.close();
            }
        } catch (IOException ignored) {
            // read-only file: nothing to lose
        }
    }
}
