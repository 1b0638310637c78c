package dev.tally.cli.run;

import java.math.BigDecimal;

/** Parses a fractional CPU count such as {@code 0.5} into nano-CPUs (500000000), like docker's --cpus. */
final class CpuCount {

    private static final BigDecimal NANOS_PER_CPU = BigDecimal.valueOf(1_000_000_000L);

    private CpuCount() {
    }

    /**
     * Returns the number of nano-CPUs.
     *
     * @throws IllegalArgumentException with docker's wording when the text is not a plain, non-negative decimal
     */
    static long parseNanoCpus(String text) {
        BigDecimal cpus;
        try {
            cpus = new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("failed to parse " + text + " as a rational number");
        }
        if (cpus.signum() < 0) {
            throw new IllegalArgumentException("failed to parse " + text + " as a rational number");
        }
        BigDecimal nanos = cpus.multiply(NANOS_PER_CPU).stripTrailingZeros();
        if (nanos.scale() > 0) {
            throw new IllegalArgumentException("value is too precise");
        }
        try {
            return nanos.longValueExact();
        } catch (ArithmeticException tooLarge) {
            throw new IllegalArgumentException("value is too large");
        }
    }
}
