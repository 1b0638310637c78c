package dev.tally.projections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AuditBlockTest {

    @Test
    void entriesComeBackAsTheyWentIn() {
        Random random = new Random(7);
        AuditBlock block = AuditBlock.empty();
        List<AuditBlock.Entry> written = new ArrayList<>();
        long seq = 1_000_000_000_000L;
        Instant at = Instant.parse("2026-11-23T10:00:00.123456789Z");
        String[] users = {"alice", "bob", "zoë", ""};
        for (int i = 0; i < AuditBlock.SIZE - 1; i++) {
            seq += 1 + random.nextInt(3);
            // Times are not ordered by sequence number: a command's time may be earlier than the one before.
            at = at.plusNanos(random.nextInt(2_000_000_000) - 900_000_000L);
            boolean inSpan = random.nextBoolean();
            AuditBlock.Entry e = new AuditBlock.Entry(seq, at, users[random.nextInt(users.length)],
                    "container." + random.nextInt(5), random.nextInt(10) == 0, inSpan ? seq - random.nextInt(5000) : -1,
                    inSpan ? "" : "busybox:latest", inSpan || random.nextBoolean() ? "" : "sha256:" + i);
            block.add(e);
            written.add(e);
        }
        assertFalse(block.full());
        AuditBlock read = AuditBlock.decode(AuditBlock.OPEN, block.encode());
        assertEquals(written, read.entries());
        assertEquals(AuditBlock.OPEN, read.key());
        assertTrue(block.encode().length < 24 * AuditBlock.SIZE, "a few bytes an entry (here, most with an image id of its own): "
                + block.encode().length);
    }

    @Test
    void aFullBlockIsSealedUnderItsFirstSequenceNumberAndKeysSortAsNumbers() {
        AuditBlock block = AuditBlock.empty();
        for (int i = 0; i < AuditBlock.SIZE; i++) {
            block.add(new AuditBlock.Entry(9_000 + i, Instant.EPOCH.plusSeconds(i), "u", "a.b", false, -1, "", ""));
        }
        assertTrue(block.full());
        AuditBlock sealed = block.sealed();
        assertEquals("0000000000000009000", sealed.key());
        assertTrue(sealed.key().compareTo("0000000000000010000") < 0);
        assertTrue(sealed.key().compareTo(AuditBlock.OPEN) < 0, "the open block comes last");
        assertEquals(9_000 + AuditBlock.SIZE - 1, AuditBlock.decode(sealed.key(), sealed.encode()).lastSeq());
        assertEquals(Instant.EPOCH, sealed.minAt());
        assertEquals(List.of("0000000000000000000", "0000000000000000001", "0000000000123456789", "1000000000000000000",
                "9223372036854775807"), List.of(0L, 1L, 123_456_789L, 1_000_000_000_000_000_000L, Long.MAX_VALUE).stream()
                .map(first -> sealedAt(first).key()).toList(), "19 digits, zero-padded");
        AuditBlock unordered = AuditBlock.empty();
        for (int i : new int[] {5, 2, 9, 2, 7}) {
            unordered.add(new AuditBlock.Entry(100 + unordered.entries().size(), Instant.EPOCH.plusSeconds(i), "u", "a.b",
                    false, -1, "", ""));
        }
        assertEquals(Instant.EPOCH.plusSeconds(2), unordered.minAt(), "times are not ordered by sequence number");
        assertEquals(Instant.EPOCH.plusSeconds(9), unordered.maxAt());
        assertEquals(null, AuditBlock.empty().minAt());
        assertEquals(Instant.EPOCH.plusSeconds(AuditBlock.SIZE - 1), sealed.maxAt());
    }

    private static AuditBlock sealedAt(long firstSeq) {
        AuditBlock block = AuditBlock.empty();
        block.add(new AuditBlock.Entry(firstSeq, Instant.EPOCH, "u", "a.b", false, -1, "", ""));
        return block.sealed();
    }

    @Test
    void anUnknownEncodingIsRefusedNotMisread() {
        byte[] data = AuditBlock.empty().encode();
        data[0] = 9;
        assertThrows(IllegalArgumentException.class, () -> AuditBlock.decode("open", data));
    }

    /**
     * Stores hold blocks in this encoding (version 1): the bytes of a block are pinned as the first encoder wrote
     * them, strings longer than the encoder's first guess of their size included.
     */
    @Test
    void aBlockIsEncodedAsStoresHoldIt() {
        AuditBlock block = AuditBlock.empty();
        Instant at = Instant.parse("2026-11-23T10:00:00.123456789Z");
        block.add(new AuditBlock.Entry(300, at, "alice", "container.create", false, 300, "", ""));
        block.add(new AuditBlock.Entry(301, at.minusMillis(1500), "mallory", "container.stop", true, -1, "", ""));
        block.add(new AuditBlock.Entry(70_000, at.plusSeconds(86_400), "root", "image.pull", false, -1,
                "registry.example:5000/team/very/long/repository/name:with-a-long-tag",
                "sha256:" + "0123456789abcdef".repeat(4)));
        block.add(new AuditBlock.Entry(70_001, at.plusSeconds(86_400), "alice", "container.remove", false, 300, "", ""));
        assertEquals("010905616c69636510636f6e7461696e65722e637265617465076d616c6c6f72790e636f6e7461696e65722e73746f7004726f6f740a69"
                + "6d6167652e70756c6c4472656769737472792e6578616d706c653a353030302f7465616d2f766572792f6c6f6e672f7265706f7369746f"
                + "72792f6e616d653a776974682d612d6c6f6e672d746167477368613235363a303132333435363738396162636465663031323334353637"
                + "3839616263646566303132333435363738396162636465663031323334353637383961626364656610636f6e7461696e65722e72656d6f"
                + "766504ac02c0baa0b00d959aef3a00010200010395e4a4a902020301c3a00484c60a959aef3a04050c06070100959aef3a000802c5a004",
                HexFormat.of().formatHex(block.encode()));
    }
}
