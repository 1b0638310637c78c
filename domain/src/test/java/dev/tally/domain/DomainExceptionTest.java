package dev.tally.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class DomainExceptionTest {

    @Test
    void aFailureCausedByAFullDiskIsNoSpace() {
        DomainException e = DomainException.failed("write bundle for ab12",
                new IllegalStateException("wrapped", new IOException("No space left on device")));
        assertEquals(DomainException.Kind.NO_SPACE, e.kind());
        assertEquals("write bundle for ab12: no space left on device; free space on the data root's disk and try again",
                e.getMessage());
    }

    @Test
    void anyOtherFailureIsFailedWithItsCause() {
        DomainException e = DomainException.failed("write bundle for ab12", new IOException("Permission denied"));
        assertEquals(DomainException.Kind.FAILED, e.kind());
        assertEquals("write bundle for ab12: Permission denied", e.getMessage());
    }
}
