package dev.tally.store;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.DataUtils;

/**
 * The chunks H2 2.3.232's recovery after a kill reads first, read from a store file as it lies on the disk:
 * the chunk its store header names and the chain of chunks after it, each found where the one before said
 * the next would go ("next"), with the id after its own, whole (its header and footer agree). A write over
 * any of them before the header names a newer chunk breaks that chain, and a kill right then makes H2 open
 * an older commit. For tests: H2's format is read by hand (block 0, else block 1, of the header; a chunk's
 * header line and its footer).
 */
final class HeaderChain {

    private static final int BLOCK = 4096;

    private HeaderChain() {
    }

    /** The chain's chunks, each as {first block, blocks}; empty when the header names no whole chunk. */
    static List<long[]> of(RandomAccessFile file) throws IOException {
        List<long[]> chain = new ArrayList<>();
        Map<String, String> header = storeHeader(file);
        if (header == null || !header.containsKey("block")) {
            return chain;
        }
        long block = hex(header, "block");
        long id = hex(header, "chunk");
        long blocks = file.length() / BLOCK;
        while (block >= 2 && block < blocks) {
            Map<String, String> chunk = chunk(file, block);
            if (chunk == null || hex(chunk, "chunk") != id) {
                break;
            }
            chain.add(new long[] {block, hex(chunk, "len")});
            block = hex(chunk, "next");
            id++;
        }
        return chain;
    }

    /**
     * In words, for a test's failure: the header H2 would read (its chunk, version and block, and whether it says
     * clean), the chain of chunks it leads to (each as id/version@block+blocks), and the chunk that ends the file
     * (which H2's recovery also reads, and follows when it is newer than the header's).
     */
    static String describe(RandomAccessFile file) throws IOException {
        Map<String, String> header = storeHeader(file);
        String copy = header(file, 0) != null ? "block 0" : "block 1 (block 0 unreadable)";
        if (header == null || !header.containsKey("block")) {
            return "no readable header naming a chunk";
        }
        StringBuilder s = new StringBuilder("header (" + copy + ") names chunk " + header.get("chunk") + " version "
                + header.get("version") + " at block " + header.get("block") + (header.containsKey("clean") ? ", clean" : "")
                + "; chain:");
        long block = hex(header, "block");
        long id = hex(header, "chunk");
        long blocks = file.length() / BLOCK;
        while (block >= 2 && block < blocks) {
            Map<String, String> chunk = chunk(file, block);
            if (chunk == null || hex(chunk, "chunk") != id) {
                s.append(" ends at block ").append(Long.toHexString(block)).append(chunk == null ? " (no whole chunk there)"
                        : " (chunk " + chunk.get("chunk") + " there)");
                break;
            }
            s.append(' ').append(chunk.get("chunk")).append('/').append(chunk.get("version")).append('@')
                    .append(chunk.get("block") == null ? Long.toHexString(block) : chunk.get("block")).append('+').append(chunk.get("len"));
            block = hex(chunk, "next");
            id++;
        }
        s.append("; file ").append(Long.toHexString(blocks)).append(" blocks, its last chunk: ");
        for (long b = blocks - 1; b >= 2; b--) {
            Map<String, String> footer = footer(file, b + 1);
            if (footer != null && footer.containsKey("len")) {
                long start = b + 1 - hex(footer, "len");
                Map<String, String> chunk = start >= 2 ? chunk(file, start) : null;
                s.append(chunk == null ? "a footer without its chunk at block " + Long.toHexString(b) : chunk.get("chunk") + "/"
                        + chunk.get("version") + "@" + Long.toHexString(start) + "+" + chunk.get("len") + " next " + chunk.get("next"));
                return s.toString();
            }
        }
        return s.append("none").toString();
    }

    /** In words: a write of H2's (its header, a chunk, or other bytes), for a test's failure. */
    static String describeWrite(long position, byte[] data) {
        String text = new String(data, 0, Math.min(data.length, 300), StandardCharsets.ISO_8859_1);
        int end = text.indexOf('\n');
        text = end < 0 ? "" : text.substring(0, end);
        String where = "at block " + Long.toHexString(position / BLOCK) + " (+" + (position % BLOCK) + "), "
                + data.length / BLOCK + " blocks";
        if (position == 0) {
            return "header " + text + " " + where;
        }
        if (text.startsWith("chunk:")) {
            Map<String, String> chunk = DataUtils.parseMap(text);
            return "chunk " + chunk.get("chunk") + " version " + chunk.get("version") + " next " + chunk.get("next") + " " + where;
        }
        return "other bytes " + where;
    }

    /** The footer of the chunk ending right before this block, when it is one. */
    private static Map<String, String> footer(RandomAccessFile file, long endBlock) throws IOException {
        try {
            String line = line(file, endBlock * BLOCK - 128, 128);
            if (!line.startsWith("chunk:")) {
                return null;
            }
            return DataUtils.parseMap(line.split(",fletcher:")[0]);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Writes the store header again (both copies, H2's format: its pairs, a Fletcher-32 checksum of them, a line
     * feed) without its "clean" mark: the file as a kill left it, for a test.
     */
    static void dropCleanMark(java.nio.file.Path path) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            Map<String, String> header = storeHeader(file);
            if (header == null) {
                throw new IOException("no readable store header in " + path);
            }
            header.remove("clean");
            StringBuilder text = DataUtils.appendMap(new StringBuilder(), new java.util.HashMap<>(header));
            byte[] pairs = text.toString().getBytes(StandardCharsets.ISO_8859_1);
            DataUtils.appendMap(text, "fletcher", DataUtils.getFletcher32(pairs, 0, pairs.length));
            byte[] line = text.append('\n').toString().getBytes(StandardCharsets.ISO_8859_1);
            byte[] blocks = new byte[2 * BLOCK];
            System.arraycopy(line, 0, blocks, 0, line.length);
            System.arraycopy(line, 0, blocks, BLOCK, line.length);
            file.seek(0);
            file.write(blocks);
        }
    }

    /** Whether this write ({@code length} bytes at {@code position}) overlaps a chunk of the chain. */
    static boolean overlaps(List<long[]> chain, long position, long length) {
        for (long[] c : chain) {
            if (position < (c[0] + c[1]) * BLOCK && position + length > c[0] * BLOCK) {
                return true;
            }
        }
        return false;
    }

    /** The store header as H2 reads it: block 0's copy, else block 1's when block 0's is not whole; null when neither is. */
    private static Map<String, String> storeHeader(RandomAccessFile file) throws IOException {
        Map<String, String> header = header(file, 0);
        return header != null ? header : header(file, BLOCK);
    }

    private static Map<String, String> header(RandomAccessFile file, long position) throws IOException {
        String line = line(file, position, BLOCK);
        int check = line.lastIndexOf(",fletcher:");
        if (check < 0) {
            return null;
        }
        byte[] pairs = line.substring(0, check).getBytes(StandardCharsets.ISO_8859_1);
        try {
            if ((int) Long.parseLong(line.substring(check + ",fletcher:".length()).trim(), 16)
                    != DataUtils.getFletcher32(pairs, 0, pairs.length)) {
                return null;
            }
            return DataUtils.parseMap(line.substring(0, check));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The chunk starting at this block when its header line and its footer (the last 128 bytes) agree. */
    private static Map<String, String> chunk(RandomAccessFile file, long block) throws IOException {
        String line = line(file, block * BLOCK, 1024);
        if (!line.startsWith("chunk:")) {
            return null;
        }
        try {
            Map<String, String> chunk = DataUtils.parseMap(line);
            long end = (block + hex(chunk, "len")) * BLOCK;
            if (end > file.length()) {
                return null;
            }
            Map<String, String> footer = DataUtils.parseMap(line(file, end - 128, 128).split(",fletcher:")[0]);
            return chunk.get("chunk").equals(footer.get("chunk")) && chunk.get("version").equals(footer.get("version"))
                    ? chunk : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String line(RandomAccessFile file, long position, int max) throws IOException {
        byte[] bytes = new byte[max];
        file.seek(position);
        int read = Math.max(0, file.read(bytes));
        String text = new String(bytes, 0, read, StandardCharsets.ISO_8859_1);
        int end = text.indexOf('\n');
        return (end < 0 ? text : text.substring(0, end)).trim();
    }

    private static long hex(Map<String, String> map, String key) {
        return Long.parseLong(map.getOrDefault(key, "0"), 16);
    }
}
