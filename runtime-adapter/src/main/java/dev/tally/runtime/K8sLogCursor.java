package dev.tally.runtime;

import dev.tally.domain.DomainException;
import dev.tally.domain.container.LogCursor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads conmon's k8s-file log: one record per line, {@code <RFC3339Nano> <stdout|stderr> <F|P> <bytes>},
 * where P marks a partial line (no newline was written). Only whole lines are returned.
 */
final class K8sLogCursor implements LogCursor {

    private final Path file;
    private RandomAccessFile in;
    private long offset;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    K8sLogCursor(Path file) {
        this.file = file;
    }

    @Override
    public List<Line> next() {
        List<Line> lines = new ArrayList<>();
        try {
            if (in == null) {
                if (!Files.exists(file)) {
                    return lines;
                }
                in = new RandomAccessFile(file.toFile(), "r");
            }
            long length = in.length();
            if (length <= offset) {
                return lines;
            }
            byte[] buf = new byte[(int) Math.min(length - offset, 1 << 20)];
            in.seek(offset);
            in.readFully(buf);
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
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "read log " + file + ": " + e.getMessage(), e);
        }
    }

    static Line parse(byte[] record) {
        int sp1 = indexOf(record, ' ', 0);
        int sp2 = sp1 < 0 ? -1 : indexOf(record, ' ', sp1 + 1);
        int sp3 = sp2 < 0 ? -1 : indexOf(record, ' ', sp2 + 1);
        if (sp3 < 0) {
            return null;
        }
        Instant time = OffsetDateTime.parse(new String(record, 0, sp1, StandardCharsets.US_ASCII)).toInstant();
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
