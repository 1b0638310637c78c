package dev.tally.cli.format;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Docker's human-readable sizes: decimal ("2.1MB", three significant digits,
 * 1000-based) for image sizes and binary ("1.944GiB", four digits, 1024-based)
 * for memory. Numbers follow Go's {@code %.Ng} formatting.
 */
public final class HumanSize {

    private static final String[] DECIMAL_UNITS = {"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
    private static final String[] BINARY_UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};

    private HumanSize() {
    }

    /** e.g. 2100000 → "2.1MB". */
    public static String decimal(double bytes) {
        return scaled(bytes, 1000.0, DECIMAL_UNITS, 3);
    }

    /** e.g. 2087354368 → "1.944GiB". */
    public static String binary(double bytes) {
        return scaled(bytes, 1024.0, BINARY_UNITS, 4);
    }

    private static String scaled(double size, double base, String[] units, int precision) {
        int unit = 0;
        while (size >= base && unit < units.length - 1) {
            size /= base;
            unit++;
        }
        return goGeneral(size, precision) + units[unit];
    }

    /** Go's {@code %.<precision>g}: shortest form, exponent notation for large or tiny exponents. */
    static String goGeneral(double value, int precision) {
        if (value == 0) {
            return "0";
        }
        BigDecimal rounded = new BigDecimal(value).round(new MathContext(precision, RoundingMode.HALF_EVEN));
        int exponent = rounded.precision() - rounded.scale() - 1;
        if (exponent < -4 || exponent >= precision) {
            BigDecimal mantissa = rounded.movePointLeft(exponent).stripTrailingZeros();
            String sign = exponent < 0 ? "-" : "+";
            int magnitude = Math.abs(exponent);
            return mantissa.toPlainString() + "e" + sign + (magnitude < 10 ? "0" : "") + magnitude;
        }
        return rounded.stripTrailingZeros().toPlainString();
    }
}
