package dev.tally.domain.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tally.domain.DomainException;
import org.junit.jupiter.api.Test;

class LimitsChangeTest {

    private static final ContainerConfig.Limits NOW = new ContainerConfig.Limits(64L << 20, 500_000_000L, 40, 512, "0", "0",
            128L << 20);

    @Test
    void nothingAskedChangesNothing() {
        assertEquals(NOW, new LimitsChange(null, null, null, null, null, null, null).applyTo(NOW));
    }

    @Test
    void zeroLiftsTheCpuAndPidsLimits() {
        ContainerConfig.Limits lifted = new LimitsChange(null, null, 0L, null, 0L, null, null).applyTo(NOW);
        assertEquals(0, lifted.nanoCpus());
        assertEquals(0, lifted.pidsLimit());
    }

    @Test
    void aMemoryLimitBelowSixMegabytesIsInvalid() {
        DomainException e = assertThrows(DomainException.class,
                () -> new LimitsChange(1L << 20, null, null, null, null, null, null).applyTo(NOW));
        assertEquals(DomainException.Kind.INVALID, e.kind());
    }

    @Test
    void aSwapLimitBelowTheMemoryLimitIsInvalid() {
        DomainException e = assertThrows(DomainException.class,
                () -> new LimitsChange(64L << 20, 32L << 20, null, null, null, null, null).applyTo(NOW));
        assertEquals(DomainException.Kind.INVALID, e.kind());
    }

    @Test
    void aSwapLimitWithoutAMemoryLimitIsInvalid() {
        DomainException e = assertThrows(DomainException.class, () -> new LimitsChange(null, 64L << 20, null, null, null,
                null, null).applyTo(ContainerConfig.Limits.NONE));
        assertEquals(DomainException.Kind.INVALID, e.kind());
    }

    @Test
    void unlimitedSwapStaysUnlimitedWhenTheMemoryLimitRises() {
        ContainerConfig.Limits unlimitedSwap = new ContainerConfig.Limits(64L << 20, 0, 0, 0, "", "", -1);
        assertEquals(1L << 30, new LimitsChange(1L << 30, null, null, null, null, null, null).applyTo(unlimitedSwap)
                .memoryBytes());
    }
}
