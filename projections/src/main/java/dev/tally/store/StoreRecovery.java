package dev.tally.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;

/**
 * Before the database opens an H2 file, at every start: makes the store header name a commit written now,
 * after an unclean stop the newest one H2's recovery finds. H2 finds that commit by following the chain
 * of chunks from the one its header names; the database's open commits before the upkeep's {@link HeaderPin}
 * is taken (the first rolls back the transactions a kill cut short), and each may free a dead chunk and
 * write into its space before H2 writes a new header: when that chunk was the header's, or one on its
 * chain, a second kill right then (a crash loop, a kill during a slow start) lost commits acknowledged
 * before the first (StoreRecoveryKillPointsTest: the database's second commit wrote over the header's own
 * chunk, older than the retention time, dead since the first). Here the file is opened by H2's MVStore
 * alone, with a retention time that frees nothing, and one small commit is made with the header written
 * right after it: the chain then starts at a chunk younger than the retention time (1 s), which the open's
 * commits do not free while they take less than that (a timer: docs/reliability.md, Left). A file H2 had
 * closed is closed again (its header marked
 * clean, naming the new commit); any other is left without a close: H2's close marks the header clean
 * while its layout may still list a dead chunk that was written over before the kill, and H2, distrusting
 * such a header, fell back four to six commits (see {@link #dropCleanMark}).
 */
final class StoreRecovery {

    private StoreRecovery() {
    }

    /**
     * Makes this H2 file's header name a fresh commit; when the file was not closed, or says so while H2
     * would open an older commit than the one its header names ({@link StoreFile#clean()}: the header's
     * "clean" mark is then dropped first, {@link #dropCleanMark}), that is the newest commit H2's recovery
     * finds, and it says so (empty: a clean stop).
     */
    static Optional<String> settle(StoreFile file) throws IOException {
        String distrusted = "";
        if (!file.clean() && file.markedClean()) {
            dropCleanMark(file.path());
            distrusted = " (its header said it was closed, but a chunk its layout lists is not whole, and H2 would"
                    + " have opened an older commit)";
        }
        MVStore store = new MVStore.Builder().fileName(file.h2Name()).autoCommitDisabled().open();
        long version;
        try {
            store.setRetentionTime(Integer.MAX_VALUE);
            if (!file.clean()) {
                forgetBrokenDeadChunks(store);
            }
            version = commitWithHeader(store);
            if (file.clean()) {
                store.close();
            }
        } finally {
            store.closeImmediately();
        }
        return file.clean() ? Optional.empty() : Optional.of("tallyd: the store was not closed cleanly" + distrusted
                + ": its header now names its newest commit (version " + version + ")");
    }

    /**
     * Takes out of the layout the dead chunks that are no longer whole where it says they lie (written over
     * or cut off before the kill). H2's recovery passes them over (it takes them for chunks of no length),
     * but its layout keeps listing them where they were until a commit frees them; a close before that marks
     * clean a header whose layout lists them, over the chunks written since in their place, and H2 then
     * refuses to open the file ("Double mark", seen when the database's open freed nothing) or distrusts it.
     */
    private static void forgetBrokenDeadChunks(MVStore store) {
        FileStore<?> file = store.getFileStore();
        Map<String, String> layout = file.getLayoutMap();
        List<String> broken = new ArrayList<>();
        for (Map.Entry<String, String> e : layout.entrySet()) {
            if (e.getKey().startsWith("chunk.")) {
                Map<String, String> chunk = DataUtils.parseMap(e.getValue());
                if ("0".equals(chunk.get("livePages")) && !whole(file, chunk)) {
                    broken.add(e.getKey());
                }
            }
        }
        broken.forEach(layout::remove);
    }

    /** Whether this chunk of the layout lies whole where it says: its header's and its footer's ids are its own. */
    private static boolean whole(FileStore<?> file, Map<String, String> chunk) {
        long block = Long.parseLong(chunk.getOrDefault("block", "0"), 16);
        long end = (block + Long.parseLong(chunk.getOrDefault("len", "0"), 16)) * BLOCK;
        String id = "chunk:" + chunk.get("chunk") + ",";
        if (block < 2 || end > file.size()) {
            return false;
        }
        return text(file, block * BLOCK, id.length()).equals(id) && text(file, end - 128, id.length()).equals(id);
    }

    private static String text(FileStore<?> file, long position, int length) {
        ByteBuffer bytes = file.readFully(null, position, length);
        return new String(bytes.array(), bytes.arrayOffset(), length, StandardCharsets.ISO_8859_1);
    }

    /**
     * One small commit (the store's version set again), with H2's header written right after its chunk (H2
     * writes it after the chunk of a commit that drops the header's "clean" mark), forced to the disk; the
     * commit's version. Throws when the header does not name it (not the H2 2.3.232 this was proven with).
     */
    private static long commitWithHeader(MVStore store) {
        FileStore<?> file = store.getFileStore();
        file.getStoreHeader().put("clean", 1);
        store.setStoreVersion(store.getStoreVersion());
        store.commit();
        long header = DataUtils.readHexLong(file.getStoreHeader(), "version", -1);
        if (header != file.lastChunkVersion() || header != store.getCurrentVersion()) {
            throw new IllegalStateException("H2 did not write the store header for the settling commit (header version "
                    + header + ", newest chunk " + file.lastChunkVersion() + ")");
        }
        store.sync();
        return header;
    }

    /**
     * Rewrites the store header (both copies, blocks 0 and 1) without its "clean" mark, so that H2 opens the
     * file as after a crash: from the chunk the header names and the chain of chunks after it, each chunk its
     * layout lists as live checked where it lies. With the mark, H2 2.3.232 first checks the 19 newest chunks
     * the layout lists, dead ones too, and when one is not whole (its space freed and cut off or written over
     * after the header's chunk was written: H2's own close does that, see docs/reliability.md) it opens the
     * newest of the chunks it had checked so far, never the header's own: an older commit, acknowledged
     * events lost. The header's format is H2 2.3.232's: "key:value" pairs in key order, then a Fletcher-32
     * checksum of them ("fletcher") and a line feed, padded with zeros to a block.
     */
    static void dropCleanMark(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            HashMap<String, String> header = readHeader(channel, 0);
            if (header == null) {
                header = readHeader(channel, BLOCK);
            }
            if (header == null) {
                throw new IOException("the store header of " + file + " is unreadable in both of its copies");
            }
            header.remove("clean");
            StringBuilder text = DataUtils.appendMap(new StringBuilder(), header);
            byte[] bytes = text.toString().getBytes(StandardCharsets.ISO_8859_1);
            DataUtils.appendMap(text, "fletcher", DataUtils.getFletcher32(bytes, 0, bytes.length));
            bytes = text.append('\n').toString().getBytes(StandardCharsets.ISO_8859_1);
            ByteBuffer blocks = ByteBuffer.allocate(2 * BLOCK);
            blocks.put(bytes).position(BLOCK);
            blocks.put(bytes).rewind();
            while (blocks.hasRemaining()) {
                channel.write(blocks, blocks.position());
            }
            channel.force(true);
        }
    }

    /** The store header in the block at this position, or null when its checksum does not match. */
    private static HashMap<String, String> readHeader(FileChannel channel, long position) throws IOException {
        ByteBuffer block = ByteBuffer.allocate(BLOCK);
        while (block.hasRemaining() && channel.read(block, position + block.position()) > 0) {
            // the whole block
        }
        String text = new String(block.array(), 0, block.position(), StandardCharsets.ISO_8859_1);
        int end = text.indexOf('\n');
        int check = end < 0 ? -1 : text.lastIndexOf(",fletcher:", end);
        if (check < 0) {
            return null;
        }
        byte[] pairs = text.substring(0, check).getBytes(StandardCharsets.ISO_8859_1);
        try {
            if ((int) Long.parseLong(text.substring(check + ",fletcher:".length(), end).trim(), 16)
                    != DataUtils.getFletcher32(pairs, 0, pairs.length)) {
                return null;
            }
            return DataUtils.parseMap(text.substring(0, check));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** H2's block size. */
    private static final int BLOCK = 4096;
}
