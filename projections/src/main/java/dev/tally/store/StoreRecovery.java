package dev.tally.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.HashMap;
import java.util.Optional;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.NewestChunk;
import org.h2.store.fs.FilePath;

/**
 * After an unclean stop, makes the store header name the newest commit H2's recovery finds, before the
 * database is opened and anything in the file can be freed. H2 finds that commit by following the chain
 * of chunks from the one its header names; the chunks on that chain that died before the stop are
 * freed by the first commits after the start (all of them at once when they are older than the
 * retention time), and a commit's chunk may then be written into one of them before H2 writes a new
 * header: a second kill right then (a crash loop, a kill during a slow start) would lose commits
 * acknowledged before the first. Here the file is opened read-only by H2's MVStore alone, which recovers
 * it as the database would and writes nothing, and the header (both copies, {@link StoreHeader}) is
 * rewritten to name the newest chunk that recovery settled on, without its "clean" mark: the database then
 * recovers from that header, a chain of one chunk, and from its first commit on {@link StartHeaders} keeps
 * the header on the newest chunk until the pin. Nothing is committed, so nothing is freed or written over
 * (a commit here, as {@link HeaderPin} makes one to move the header, freed what H2 thought dead and, with
 * the retention time that frees nothing, still chunks older than 24.8 days, and wrote its chunk there before
 * its header). Not marked clean, because H2 trusts a clean header only when the newest chunks its layout
 * lists are all intact: a dead chunk that was written over just before the kill is still listed, so H2 fell
 * back to an older commit (four to six commits back in StoreKillPointsTest's files).
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
            dropCleanMark(file.h2Name());
            distrusted = " (its header said it was closed, but a chunk its layout lists is not whole, and H2 would"
                    + " have opened an older commit)";
        }
        long[] newest;
        try (MVStore store = new MVStore.Builder().fileName(file.h2Name()).readOnly().open()) {
            newest = NewestChunk.of(store);
        }
        if (newest == null) {
            return Optional.empty(); // no commit yet: nothing to settle
        }
        rewriteHeader(file.h2Name(), header -> {
            header.remove("clean");
            header.put("block", Long.toHexString(newest[0]));
            header.put("chunk", Long.toHexString(newest[1]));
            header.put("version", Long.toHexString(newest[2]));
        });
        long version = newest[2];
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
    static void dropCleanMark(String file) throws IOException {
        rewriteHeader(file, header -> header.remove("clean"));
    }

    /**
     * Rewrites the store header (both copies) of the file H2 names {@code file} ({@link Store#h2Name}: through
     * H2's file systems, so that the kill-point tests record it) as {@code change} makes it ({@link StoreHeader});
     * forced to the disk.
     */
    static void rewriteHeader(String file, java.util.function.Consumer<HashMap<String, String>> change) throws IOException {
        try (FileChannel channel = FilePath.get(file).open("rw")) {
            HashMap<String, String> header = StoreHeader.read(channel);
            if (header == null) {
                throw new IOException("the store header of " + file + " is unreadable in both of its copies");
            }
            change.accept(header);
            StoreHeader.write(channel, header);
            channel.force(true);
        }
    }

}
