package dev.tally.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ChainHashTest {

    private static final ChainedRow ROW = new ChainedRow(41, "e-1", "agg-1", 3, "Container", "2026-11-23T13:00:00Z",
            "dev.tally.X", null, "{\"a\":1}".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8));

    @Test
    void theHashIsTheDocumentedEncodingWrittenOutByHand() throws Exception {
        String previous = "ab".repeat(32);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write("tally-chain-v1".getBytes(StandardCharsets.US_ASCII));
        out.write(HexFormat.of().parseHex(previous));
        out.writeLong(41);
        text(out, "e-1");
        text(out, "agg-1");
        out.writeLong(3);
        text(out, "Container");
        text(out, "2026-11-23T13:00:00Z");
        text(out, "dev.tally.X");
        out.writeInt(-1);
        text(out, "{\"a\":1}");
        text(out, "{}");
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));
        assertEquals(expected, new ChainHash().next(previous, ROW));
    }

    private static void text(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    @Test
    void everyColumnAndThePreviousHashChangeTheHash() {
        ChainHash hash = new ChainHash();
        String original = hash.next(ChainHash.GENESIS, ROW);
        List<UnaryOperator<ChainedRow>> edits = List.of(
                r -> new ChainedRow(42, r.eventIdentifier(), r.aggregateIdentifier(), r.sequenceNumber(), r.type(), r.timeStamp(), r.payloadType(), r.payloadRevision(), r.payload(), r.metaData()),
                r -> new ChainedRow(r.globalIndex(), "e-2", r.aggregateIdentifier(), r.sequenceNumber(), r.type(), r.timeStamp(), r.payloadType(), r.payloadRevision(), r.payload(), r.metaData()),
                r -> new ChainedRow(r.globalIndex(), r.eventIdentifier(), "agg-2", r.sequenceNumber(), r.type(), r.timeStamp(), r.payloadType(), r.payloadRevision(), r.payload(), r.metaData()),
                r -> new ChainedRow(r.globalIndex(), r.eventIdentifier(), r.aggregateIdentifier(), 4, r.type(), r.timeStamp(), r.payloadType(), r.payloadRevision(), r.payload(), r.metaData()),
                r -> new ChainedRow(r.globalIndex(), r.eventIdentifier(), r.aggregateIdentifier(), r.sequenceNumber(), null, r.timeStamp(), r.payloadType(), r.payloadRevision(), r.payload(), r.metaData()),
                r -> new ChainedRow(r.globalIndex(), r.eventIdentifier(), r.aggregateIdentifier(), r.sequenceNumber(), r.type(), "2026-11-23T13:00:01Z", r.payloadType(), r.payloadRevision(), r.payload(), r.metaData()),
                r -> new ChainedRow(r.globalIndex(), r.eventIdentifier(), r.aggregateIdentifier(), r.sequenceNumber(), r.type(), r.timeStamp(), "dev.tally.Y", r.payloadRevision(), r.payload(), r.metaData()),
                r -> new ChainedRow(r.globalIndex(), r.eventIdentifier(), r.aggregateIdentifier(), r.sequenceNumber(), r.type(), r.timeStamp(), r.payloadType(), "", r.payload(), r.metaData()),
                r -> new ChainedRow(r.globalIndex(), r.eventIdentifier(), r.aggregateIdentifier(), r.sequenceNumber(), r.type(), r.timeStamp(), r.payloadType(), r.payloadRevision(), "{\"a\":2}".getBytes(StandardCharsets.UTF_8), r.metaData()),
                r -> new ChainedRow(r.globalIndex(), r.eventIdentifier(), r.aggregateIdentifier(), r.sequenceNumber(), r.type(), r.timeStamp(), r.payloadType(), r.payloadRevision(), r.payload(), "{\"x\":1}".getBytes(StandardCharsets.UTF_8)));
        for (UnaryOperator<ChainedRow> edit : edits) {
            assertNotEquals(original, hash.next(ChainHash.GENESIS, edit.apply(ROW)));
        }
        assertNotEquals(original, hash.next("1" + ChainHash.GENESIS.substring(1), ROW));
        assertEquals(original, hash.next(ChainHash.GENESIS, ROW), "the same row after the same hash hashes alike");
    }

    @Test
    void movingBytesAcrossAFieldBoundaryChangesTheHash() {
        ChainHash hash = new ChainHash();
        ChainedRow a = new ChainedRow(1, "ab", "c", 0, null, "t", "p", null, new byte[0], new byte[0]);
        ChainedRow b = new ChainedRow(1, "a", "bc", 0, null, "t", "p", null, new byte[0], new byte[0]);
        assertNotEquals(hash.next(ChainHash.GENESIS, a), hash.next(ChainHash.GENESIS, b));
    }

    @Test
    void aHashIsSixtyFourLowerCaseHexDigits() {
        String h = new ChainHash().next(ChainHash.GENESIS, ROW);
        assertTrue(ChainHash.isHash(h), h);
        assertTrue(!ChainHash.isHash(h.toUpperCase()) && !ChainHash.isHash(null) && !ChainHash.isHash(h.substring(1)));
    }
}
