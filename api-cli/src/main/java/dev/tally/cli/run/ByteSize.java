package dev.tally.cli.run;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses sizes such as {@code 64m}, {@code 1.5g}, {@code 512MiB} or {@code 100} into
 * bytes, 1024-based and case-insensitive like docker; fractions of a byte are dropped.
 */
final class ByteSize {

    private static final Pattern SIZE = Pattern.compile("^(\\d+(?:\\.\\d+)?) ?([kKmMgGtTpP])?[iI]?[bB]?$");

    private ByteSize() {
    }

    /**
     * Returns the number of bytes.
     *
     * @throws IllegalArgumentException with message {@code invalid size: '<text>'}
     */
    static long parse(String text) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid size: '" + text + "'");
        }
        BigDecimal number = new BigDecimal(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
        int power = "kmgtp".indexOf(unit.isEmpty() ? ' ' : unit.charAt(0)) + 1;
        BigDecimal bytes = number.multiply(BigDecimal.valueOf(1024).pow(power));
        try {
            return bytes.toBigInteger().longValueExact();
        } catch (ArithmeticException tooLarge) {
            throw new IllegalArgumentException("invalid size: '" + text + "'");
        }
    }
}
