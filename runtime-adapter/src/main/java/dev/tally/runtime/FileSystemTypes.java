package dev.tally.runtime;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The type of the file system holding a path, as statfs(2) reports it ({@code f_type}, a magic number). */
@FunctionalInterface
interface FileSystemTypes {

    long CGROUP2 = 0x63677270L;
    long CGROUP = 0x27e0ebL;
    long TMPFS = 0x01021994L;

    /**
     * The magic number of the file system {@code path} is on. NoSuchFileException when it does not
     * exist; another IOException, naming the path and errno, when statfs fails otherwise.
     */
    long typeOf(Path path) throws IOException;

    /** statfs(2) through libc. */
    FileSystemTypes STATFS = path -> {
        byte[] buffer = new byte[256];
        try {
            Libc.statfs(path.toString(), buffer);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == 2) {
                throw new NoSuchFileException(path.toString());
            }
            throw new IOException("statfs " + path + ": " + Libc.errnoName(e.getErrorCode()), e);
        }
        return ByteBuffer.wrap(buffer).order(ByteOrder.nativeOrder()).getLong(0);
    };
}
