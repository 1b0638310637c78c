package dev.tally.runtime.image;

import dev.tally.domain.image.registry.Registry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A stored blob's bytes, read from its file as {@code Files.newInputStream} would, and offered to an
 * upload as the file itself ({@link Registry.FileBacked}): a push over plain HTTP has the kernel send
 * them to the socket, and the bytes never pass through the JVM.
 */
final class BlobFileStream extends InputStream implements Registry.FileBacked {

    private final FileChannel file;

    private BlobFileStream(FileChannel file) {
        this.file = file;
    }

    /** Opens the file; NoSuchFileException when it is not there. */
    static BlobFileStream open(Path path) throws IOException {
        return new BlobFileStream(FileChannel.open(path, StandardOpenOption.READ));
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        return file.read(ByteBuffer.wrap(b, off, len));
    }

    @Override
    public long skip(long n) throws IOException {
        if (n <= 0) {
            return 0;
        }
        long at = file.position();
        long to = Math.min(file.size(), at + n);
        file.position(to);
        return to - at;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, file.size() - file.position()));
    }

    @Override
    public FileChannel file() {
        return file;
    }

    @Override
    public void sent(long n) throws IOException {
        file.position(file.position() + n);
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
