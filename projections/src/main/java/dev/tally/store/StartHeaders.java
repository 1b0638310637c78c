package dev.tally.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.h2.mvstore.DataUtils;
import org.h2.store.fs.FileBase;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * While a start opens the store, the store header on the disk names each chunk as soon as H2 has written it:
 * a file system (H2's {@link FilePath}, the prefix {@value #SCHEME}{@code :} of the database's file name) that
 * passes every operation through and, for a file {@link #follow followed}, writes the header after each whole
 * chunk (forced to the disk before and after).
 *
 * <p>Why: H2 2.3.232 frees a chunk at the start of a commit once it is dead, older than the retention time and
 * older than every version in use, and may write that commit's chunk into its space before it writes a header
 * past it; its header lags the newest chunk by up to 20 commits. {@link HeaderPin} keeps those frees off the
 * chain of chunks the header on the disk names, but only once the upkeep holds it, and the database's open
 * commits before that: it rolls back the transactions a kill cut short and runs the URL's {@code SET}s, one
 * commit each, under the retention time it stored (1 s), which a chunk written before a restart has long
 * outlived. Its second commit freed the chunk the header named (dead since the first) and wrote over it before
 * a new header: a kill right then lost the last acknowledged events (StoreStartTest, on a kept file: 55 of its
 * 56 events). With the header naming every chunk as soon as it is whole, what a commit frees (dead before its
 * previous commit) is never on the chain the header names, whatever the retention time and the chunks' age;
 * H2 offers no hook into its open to take the pin earlier. Before the first of these writes the header names
 * the newest chunk: a clean file's, or {@link StoreRecovery}'s settling. Outside a start (after the pin is
 * taken) a followed file's writes pass through unchanged.
 */
public final class StartHeaders extends FilePathWrapper {

    static final String SCHEME = "tallystart";
    private static final StartHeaders INSTANCE = new StartHeaders();
    /** The host paths of the files whose header follows their chunks now. */
    private static final Set<String> FOLLOWED = ConcurrentHashMap.newKeySet();

    static {
        FilePath.register(INSTANCE);
    }

    /** The file name by which H2 opens {@code h2Name} through this file system. */
    static String name(String h2Name) {
        return SCHEME + ":" + h2Name;
    }

    /** The JDBC URL of an H2 file store ({@code jdbc:h2:file:NAME;…}) with its file opened through this file system. */
    static String url(String url) {
        String file = "jdbc:h2:file:";
        if (!url.startsWith(file)) {
            throw new IllegalArgumentException("not an H2 file store's URL: " + url);
        }
        return file + name(url.substring(file.length()));
    }

    /** From now on, until {@link #stop}, the header of this file (its host path) follows each chunk written to it. */
    static void follow(java.nio.file.Path file) {
        FOLLOWED.add(file.toAbsolutePath().toString());
    }

    /** Its writes pass through unchanged again. */
    static void stop(java.nio.file.Path file) {
        FOLLOWED.remove(file.toAbsolutePath().toString());
    }

    /** For H2, which makes one per path by reflection ({@link FilePathWrapper#wrap}); not for use. */
    public StartHeaders() {
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FileChannel open(String mode) throws IOException {
        String host = Store.hostPath(unwrap(name).toString()).toAbsolutePath().toString();
        return new Following(super.open(mode), host, name);
    }

    /**
     * Moves the file and forces its directory to the disk: the compaction at start ({@code SHUTDOWN COMPACT})
     * writes a compacted copy, forces it and moves it over the store's file, and H2 does not force the
     * directory, so after a power loss the directory could still name the old file while the commits
     * acknowledged since went to the new one.
     */
    @Override
    public void moveTo(FilePath newName, boolean atomicReplace) {
        super.moveTo(newName, atomicReplace);
        java.nio.file.Path moved = Store.hostPath(newName.toString()).toAbsolutePath();
        try (FileChannel directory = FileChannel.open(moved.getParent(), java.nio.file.StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException e) {
            throw new StoreException("force the directory of " + moved + " after moving the store's file there", e);
        }
    }

    /** A channel of the file that writes the header after each whole chunk while its file is followed. */
    private static final class Following extends FileBase {

        private final FileChannel channel;
        private final String host;
        private final String name;
        /** The chunk being written: its first and its end position, id and version (first < 0: none). */
        private long chunkStart = -1;
        private long chunkEnd;
        private String chunkId;
        private String chunkVersion;

        Following(FileChannel channel, String host, String name) {
            this.channel = channel;
            this.host = host;
            this.name = name;
        }

        @Override
        public synchronized int write(ByteBuffer src, long position) throws IOException {
            if (!FOLLOWED.contains(host)) {
                chunkStart = -1;
                return channel.write(src, position);
            }
            if (position >= 2L * StoreHeader.BLOCK && position % StoreHeader.BLOCK == 0) {
                noteChunk(src, position);
            }
            int written = channel.write(src, position);
            if (chunkStart >= 0 && position < chunkEnd && position + written >= chunkEnd) {
                HashMap<String, String> header = StoreHeader.read(channel);
                if (header != null) {
                    channel.force(false);
                    header.remove("clean");
                    header.put("block", Long.toHexString(chunkStart / StoreHeader.BLOCK));
                    header.put("chunk", chunkId);
                    header.put("version", chunkVersion);
                    StoreHeader.write(channel, header);
                    channel.force(false);
                }
                chunkStart = -1;
            }
            return written;
        }

        /** Notes the chunk that starts at this position when {@code src} begins with a chunk's header. */
        private void noteChunk(ByteBuffer src, long position) {
            int length = Math.min(src.remaining(), 1024);
            byte[] head = new byte[length];
            src.duplicate().get(head);
            String text = new String(head, StandardCharsets.ISO_8859_1);
            int end = text.indexOf('\n');
            if (!text.startsWith("chunk:") || end < 0) {
                return;
            }
            try {
                Map<String, String> chunk = DataUtils.parseMap(text.substring(0, end).trim());
                long blocks = Long.parseLong(chunk.get("len"), 16);
                chunkStart = position;
                chunkEnd = position + blocks * StoreHeader.BLOCK;
                chunkId = chunk.get("chunk");
                chunkVersion = chunk.get("version");
            } catch (RuntimeException e) {
                chunkStart = -1;
            }
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return channel.write(src);
        }

        @Override
        public void implCloseChannel() throws IOException {
            channel.close();
        }

        @Override
        public long position() throws IOException {
            return channel.position();
        }

        @Override
        public FileChannel position(long pos) throws IOException {
            channel.position(pos);
            return this;
        }

        @Override
        public long size() throws IOException {
            return channel.size();
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return channel.read(dst);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return channel.read(dst, position);
        }

        @Override
        public FileChannel truncate(long newLength) throws IOException {
            channel.truncate(newLength);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            channel.force(metaData);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return channel.tryLock(position, size, shared);
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
