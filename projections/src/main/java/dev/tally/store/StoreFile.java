package dev.tally.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStore;

/**
 * The store's H2 file as a start finds it, before the database opens it: whether H2 closed it, its size,
 * and about how many bytes a compacted copy of it would take (H2's {@code SHUTDOWN COMPACT}, which
 * {@link StoreCompaction} runs). Read in one read-only open of H2's MVStore, which changes nothing.
 *
 * @param path the {@code .mv.db} file
 * @param h2Name the name by which H2 opens it ({@link Store#h2Name})
 * @param clean whether H2 closed it (its store header says so) and opens it at the commit that header names
 * @param markedClean whether its store header says H2 closed it: H2 2.3.232 then trusts it only when the 19
 *                    newest chunks its layout lists are all whole, and when one is not (a dead chunk that H2's
 *                    close freed and cut off after it wrote the header's chunk) it opens the newest chunk of
 *                    those it checked, an older commit, where its recovery after a crash would follow the
 *                    header's chunk: {@link StoreRecovery} then settles it as a crashed file
 * @param bytes its size
 * @param compactedBytes the estimate of a compacted copy: its live bytes (H2's shares of the file in chunks
 *                       and of the chunks' bytes in live pages), the share of them written uncompressed
 *                       (before {@code COMPRESS=TRUE}, {@link Store#H2_SETTINGS}) halved: the copy
 *                       compresses them, and the mixed load's pages take half the bytes compressed
 * @param uncompressedPercent the share of the chunks written uncompressed (by length, in a sample of them)
 */
record StoreFile(Path path, String h2Name, boolean clean, boolean markedClean, long bytes, long compactedBytes, int uncompressedPercent) {

    /** Chunks whose first pages are read to tell compressed from uncompressed, at most. */
    static final int SAMPLED_CHUNKS = 512;
    /** What a compressed copy takes of an uncompressed page's bytes, in percent (measured on the mixed load). */
    static final int COMPRESSED_PERCENT = 50;
    private static final int BLOCK = 4096;

    /** The H2 file of this JDBC URL as it is; empty when the URL is not an H2 file's or the file is missing or empty. */
    static Optional<StoreFile> of(String url) throws IOException {
        Optional<Path> base = Store.h2Base(url);
        if (base.isEmpty()) {
            return Optional.empty();
        }
        Path file = Path.of(base.get() + ".mv.db");
        long size = Files.isRegularFile(file) ? Files.size(file) : 0;
        if (size == 0) {
            return Optional.empty();
        }
        try (MVStore readOnly = new MVStore.Builder().fileName(file.toString()).readOnly().open();
             FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Map<String, Object> header = readOnly.getFileStore().getStoreHeader();
            boolean marked = header.containsKey("clean");
            boolean clean = marked && readOnly.getFileStore().lastChunkVersion() == DataUtils.readHexLong(header, "version", -1);
            // H2's own shares: of the file in chunks, and of the chunks' bytes in live pages
            long live = size * readOnly.getFileStore().getFillRate() / 100
                    * readOnly.getFileStore().getChunksFillRate() / 100;
            int uncompressed = uncompressedPercent(readOnly, channel);
            long compacted = live - live * uncompressed / 100 * (100 - COMPRESSED_PERCENT) / 100;
            return Optional.of(new StoreFile(file, Store.h2Name(url, file), clean, marked, size, compacted, uncompressed));
        }
    }

    /**
     * The share of a sample of the chunks (every n-th of those the layout lists, at most
     * {@link #SAMPLED_CHUNKS}, and the newest, which the layout may not list yet), weighted by their
     * length, whose pages were mostly written uncompressed.
     */
    private static int uncompressedPercent(MVStore store, FileChannel file) throws IOException {
        List<Long> blocks = new ArrayList<>();
        for (Map.Entry<String, String> e : store.getFileStore().getLayoutMap().entrySet()) {
            if (e.getKey().startsWith("chunk.")) {
                blocks.add(Long.parseLong(DataUtils.parseMap(e.getValue()).getOrDefault("block", "0"), 16));
            }
        }
        int every = Math.max(1, blocks.size() / SAMPLED_CHUNKS);
        List<Long> sample = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i += every) {
            sample.add(blocks.get(i));
        }
        sample.add(DataUtils.readHexLong(store.getFileStore().getStoreHeader(), "block", 0));
        long all = 0;
        long uncompressed = 0;
        for (long block : sample) {
            long[] chunk = readChunk(file, block * BLOCK);
            all += chunk[0];
            uncompressed += chunk[1];
        }
        return all == 0 ? 0 : (int) (uncompressed * 100 / all);
    }

    /**
     * The chunk's length, and again when the pages that start in its first block hold more bytes written
     * uncompressed than compressed (else 0; both 0 when no chunk starts there) (pages of at least 128 bytes: H2 leaves a page uncompressed when compressing does not
     * shrink it, which happens to small ones). The layout of H2 2.3.232's chunks: a header line, then the
     * pages, each an int length, a short check, varints page number, map id and key count, and a type byte
     * whose bit 2 says compressed ({@link DataUtils#PAGE_COMPRESSED}).
     */
    private static long[] readChunk(FileChannel file, long position) throws IOException {
        ByteBuffer block = ByteBuffer.allocate(BLOCK);
        while (block.hasRemaining() && file.read(block, position + block.position()) > 0) {
            // read the whole block, or what the file has of it
        }
        block.flip();
        int p = -1;
        for (int i = 0; i < block.limit(); i++) {
            if (block.get(i) == '\n') {
                p = i + 1;
                break;
            }
        }
        String header = p < 0 ? "" : new String(block.array(), 0, p - 1, StandardCharsets.ISO_8859_1).trim();
        if (!header.startsWith("chunk:")) {
            return new long[2]; // a chunk since freed and written over: not sampled
        }
        long length;
        try {
            length = BLOCK * Long.parseLong(DataUtils.parseMap(header).getOrDefault("len", "0"), 16);
        } catch (RuntimeException e) {
            return new long[2];
        }
        long compressedBytes = 0;
        long plainBytes = 0;
        while (p > 0 && p + 32 <= block.limit()) {
            block.position(p);
            int pageLength = block.getInt();
            block.getShort();
            DataUtils.readVarInt(block);
            DataUtils.readVarInt(block);
            DataUtils.readVarInt(block);
            int type = block.get();
            if (pageLength < 4) {
                break;
            }
            if (pageLength >= 128) {
                if ((type & DataUtils.PAGE_COMPRESSED) != 0) {
                    compressedBytes += pageLength;
                } else {
                    plainBytes += pageLength;
                }
            }
            p += pageLength;
        }
        return new long[] {length, plainBytes > compressedBytes ? length : 0};
    }
}
