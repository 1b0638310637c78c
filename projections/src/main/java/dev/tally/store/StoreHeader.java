package dev.tally.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import org.h2.mvstore.DataUtils;

/**
 * H2 2.3.232's store header, read and written outside H2: two copies, in blocks 0 and 1 of the file, each
 * "key:value" pairs in key order, then a Fletcher-32 checksum of them ("fletcher") and a line feed, padded
 * with zeros to a block. Its "block", "chunk" and "version" name the chunk from which H2's recovery after a
 * crash starts ({@link StoreRecovery}, {@link StartHeaders}).
 */
final class StoreHeader {

    /** H2's block size. */
    static final int BLOCK = 4096;

    private StoreHeader() {
    }

    /** The header, from its first copy whose checksum matches; null when neither does. */
    static HashMap<String, String> read(FileChannel channel) throws IOException {
        HashMap<String, String> header = read(channel, 0);
        return header != null ? header : read(channel, BLOCK);
    }

    /** Writes both copies of this header in one write (not forced). */
    static void write(FileChannel channel, HashMap<String, String> header) throws IOException {
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
    }

    /** The copy of the header in the block at this position, or null when its checksum does not match. */
    private static HashMap<String, String> read(FileChannel channel, long position) throws IOException {
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
}
