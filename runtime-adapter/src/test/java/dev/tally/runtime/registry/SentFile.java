package dev.tally.runtime.registry;

import dev.tally.domain.image.registry.Registry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A file's bytes from an offset as an upload's content that must be sent from the file: a read of
 * the stream fails, so an upload that reads it instead of sending the file fails the test. Counts
 * the bytes sent, and can be told to fail the next {@link #sent} as a stopped transfer does.
 */
final class SentFile extends InputStream implements Registry.FileBacked {

    private final FileChannel file;
    private final AtomicLong total;
    volatile boolean stopped;

    private SentFile(FileChannel file, AtomicLong total) {
        this.file = file;
        this.total = total;
    }

    /** Content opened at any offset; {@code total} counts what every stream of it sent. */
    static Registry.Content of(Path path, AtomicLong total) {
        return offset -> open(path, offset, total);
    }

    static SentFile open(Path path, long offset, AtomicLong total) throws IOException {
        FileChannel f = FileChannel.open(path, StandardOpenOption.READ);
        f.position(offset);
        return new SentFile(f, total);
    }

    @Override
    public int read() throws IOException {
        throw new IOException("read, not sent from the file");
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        throw new IOException("read, not sent from the file");
    }

    @Override
    public FileChannel file() {
        return file;
    }

    @Override
    public void sent(long n) throws IOException {
        if (stopped) {
            throw new IOException("stopped: another blob of the image failed");
        }
        file.position(file.position() + n);
        total.addAndGet(n);
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
