package dev.tally.store;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskReserveTest {

    @TempDir
    Path dir;

    @Test
    void aDiskWithLessFreeThanTheReserveRefusesAsNoSpace() {
        long free = assertDoesNotThrow(() -> Files.getFileStore(dir).getUsableSpace());
        DiskReserve reserve = DiskReserve.of(Store.h2File(dir.resolve("events")), free + (1L << 40));
        DomainException e = assertThrows(DomainException.class, reserve::require);
        assertEquals(DomainException.Kind.NO_SPACE, e.kind());
        assertTrue(e.getMessage().startsWith("no space left on the disk of the event store (" + dir + ")"), e.getMessage());
    }

    @Test
    void aDiskWithMoreFreeThanTheReserveLetsTransactionsBegin() {
        assertDoesNotThrow(DiskReserve.of(Store.h2File(dir.resolve("events")), 1)::require);
        assertDoesNotThrow(DiskReserve.of(Store.h2File(dir.resolve("not/made/yet/events")), 1)::require,
                "a store whose directory H2 is still to make");
        assertDoesNotThrow(DiskReserve.of("jdbc:h2:mem:", Long.MAX_VALUE)::require, "no disk, no reserve");
    }

    @Test
    void aStoreFailureOnAFullDiskIsNoSpaceInPlainWords() {
        SQLException h2 = new SQLException("General error: \"org.h2.mvstore.MVStoreException: Writing to "
                + "sun.nio.ch.FileChannelImpl@1 failed\"", new IOException("No space left on device"));
        StoreException e = new StoreException("commit a transaction on the event store", h2);
        assertEquals(DomainException.Kind.NO_SPACE, e.kind());
        assertFalse(e.getMessage().contains("h2") || e.getMessage().contains("MVStore"), e.getMessage());
        assertEquals(DomainException.Kind.FAILED, new StoreException("commit", new SQLException("locked")).kind());
    }
}
