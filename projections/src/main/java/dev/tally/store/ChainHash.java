package dev.tally.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash that links each stored event to the one before it:
 * {@code SHA-256(tag ‖ previous ‖ fields)}, where
 * <ul>
 *   <li>tag is the 14 ASCII bytes {@code tally-chain-v1};</li>
 *   <li>previous is the previous row's hash as 32 raw bytes, or 32 zero bytes for the first row;</li>
 *   <li>fields are, in this order: global_index, event_identifier, aggregate_identifier,
 *       sequence_number, type, time_stamp, payload_type, payload_revision, payload, meta_data;
 *       a number is 8 bytes big-endian; text (UTF-8) and bytes are a 4-byte big-endian length and
 *       the bytes, and null is the length -1 with no bytes.</li>
 * </ul>
 * Every field has its length or a fixed size, so no two different rows encode alike. The stored form
 * is the 64 lower-case hex digits. Not thread-safe: one instance per chain walk or per append.
 */
final class ChainHash {

    static final String GENESIS = "0".repeat(64);
    private static final byte[] TAG = "tally-chain-v1".getBytes(StandardCharsets.US_ASCII);
    private static final HexFormat HEX = HexFormat.of();

    private final MessageDigest sha256;
    private final byte[] scratch = new byte[8];

    ChainHash() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    /** The hash of {@code row} following a row whose hash is {@code previousHex}. */
    String next(String previousHex, ChainedRow row) {
        sha256.reset();
        sha256.update(TAG);
        sha256.update(HEX.parseHex(previousHex));
        number(row.globalIndex());
        text(row.eventIdentifier());
        text(row.aggregateIdentifier());
        number(row.sequenceNumber());
        text(row.type());
        text(row.timeStamp());
        text(row.payloadType());
        text(row.payloadRevision());
        bytes(row.payload());
        bytes(row.metaData());
        return HEX.formatHex(sha256.digest());
    }

    private void number(long value) {
        for (int i = 7; i >= 0; i--) {
            scratch[i] = (byte) value;
            value >>>= 8;
        }
        sha256.update(scratch, 0, 8);
    }

    private void length(int value) {
        scratch[0] = (byte) (value >>> 24);
        scratch[1] = (byte) (value >>> 16);
        scratch[2] = (byte) (value >>> 8);
        scratch[3] = (byte) value;
        sha256.update(scratch, 0, 4);
    }

    private void text(String value) {
        bytes(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    private void bytes(byte[] value) {
        if (value == null) {
            length(-1);
            return;
        }
        length(value.length);
        sha256.update(value);
    }

    /** Whether {@code text} has the stored form of a hash. */
    static boolean isHash(String text) {
        return text != null && text.length() == 64 && text.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }
}
