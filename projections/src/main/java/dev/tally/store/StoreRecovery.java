package dev.tally.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RandomAccessStore;

/**
 * After an unclean stop, makes the store header name the newest commit H2's recovery finds, before the
 * database is opened and anything in the file can be freed. H2 finds that commit by following the chain
 * of chunks from the one its header names; the chunks on that chain that died before the stop are
 * freed by the first commits after the start (all of them at once when they are older than the
 * retention time), and a commit's chunk may then be written into one of them before H2 writes a new
 * header: a second kill right then (a crash loop, a kill during a slow start) would lose commits
 * acknowledged before the first. Here the file is opened by H2's MVStore alone, with a retention time
 * that frees nothing, the header is made to name the newest chunk ({@link HeaderPin}), and the file is
 * left without a close: the database then recovers from that header, a chain of one chunk. Not closed,
 * because H2's close writes a header marked clean, and H2 trusts such a header only when the newest
 * chunks its layout lists are all intact: a dead chunk that was written over just before the kill is
 * still listed (it is forgotten at the next commit that frees it, and the close made none: nothing had
 * changed), so H2 fell back to an older commit (four to six commits back in StoreKillPointsTest's files).
 */
final class StoreRecovery {

    private StoreRecovery() {
    }

    /**
     * Settles this H2 file when its header says it was not closed, or says so while H2 would open an older
     * commit than the one it names ({@link StoreFile#clean()}: the header's "clean" mark is then dropped
     * first, {@link #dropCleanMark}); says what it did (empty: a clean stop).
     */
    static Optional<String> settleIfUnclean(StoreFile file) throws IOException {
        if (file.clean()) {
            return Optional.empty();
        }
        String distrusted = "";
        if (file.markedClean()) {
            dropCleanMark(file.path());
            distrusted = " (its header said it was closed, but a chunk its layout lists is not whole, and H2 would"
                    + " have opened an older commit)";
        }
        MVStore store = new MVStore.Builder().fileName(file.h2Name()).autoCommitDisabled().open();
        long version;
        try {
            store.setRetentionTime(Integer.MAX_VALUE);
            reserveGaps(store);
            version = HeaderPin.take(store).version();
        } finally {
            store.closeImmediately();
        }
        return Optional.of("tallyd: the store was not closed cleanly" + distrusted
                + ": its header now names its newest commit (version " + version + ")");
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
        rewriteHeader(file, header -> header.remove("clean"));
    }

    /** Rewrites the store header (both copies) as {@code change} makes it ({@link StoreHeader}); forced to the disk. */
    static void rewriteHeader(Path file, java.util.function.Consumer<HashMap<String, String>> change) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            HashMap<String, String> header = StoreHeader.read(channel);
            if (header == null) {
                throw new IOException("the store header of " + file + " is unreadable in both of its copies");
            }
            change.accept(header);
            StoreHeader.write(channel, header);
            channel.force(true);
        }
    }

    /**
     * Marks the gaps between the chunks of the layout as taken, for this session only (the map of free
     * space is not stored), so that the chunk of the commit that makes H2 write the header goes past
     * every block in use. In a gap it could overwrite a chunk that died before the kill but lies on the
     * chain the old header names, and a kill before the new header was written then lost what had been
     * acknowledged before the first (StoreRecoveryKillPointsTest). {@code setReuseSpace(false)} does not
     * do this: H2 2.3.232's allocator does not read it.
     */
    private static void reserveGaps(MVStore store) {
        if (!(store.getFileStore() instanceof RandomAccessStore file)) {
            return;
        }
        TreeMap<Long, Long> chunks = new TreeMap<>();
        for (Map.Entry<String, String> e : file.getLayoutMap().entrySet()) {
            if (e.getKey().startsWith("chunk.")) {
                Map<String, String> chunk = DataUtils.parseMap(e.getValue());
                chunks.merge(Long.parseLong(chunk.get("block"), 16), Long.parseLong(chunk.get("len"), 16), Math::max);
            }
        }
        long next = 2; // blocks 0 and 1: the header
        for (Map.Entry<Long, Long> c : chunks.entrySet()) {
            for (long block = next; block < c.getKey(); block++) {
                try {
                    file.markUsed(block * BLOCK, BLOCK);
                } catch (RuntimeException taken) {
                    // in use by a chunk the layout does not list (the newest): taken already
                }
            }
            next = Math.max(next, c.getKey() + c.getValue());
        }
    }

    /** H2's block size. */
    private static final int BLOCK = 4096;
}
