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
        Map<String, String> header = header(file, 0);
        if (header == null) {
            header = header(file, BLOCK);
        }
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

    /** Whether this write ({@code length} bytes at {@code position}) overlaps a chunk of the chain. */
    static boolean overlaps(List<long[]> chain, long position, long length) {
        for (long[] c : chain) {
            if (position < (c[0] + c[1]) * BLOCK && position + length > c[0] * BLOCK) {
                return true;
            }
        }
        return false;
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
