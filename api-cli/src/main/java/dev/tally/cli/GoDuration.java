package dev.tally.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

/** Parses Go duration strings such as {@code 30s}, {@code 10m}, {@code 1h30m}, {@code 1.5h} or {@code 250ms}. */
final class GoDuration {

    private static final Map<String, Long> NANOS_PER_UNIT = Map.of(
            "ns", 1L,
            "us", 1_000L,
            "µs", 1_000L,
            "μs", 1_000L,
            "ms", 1_000_000L,
            "s", 1_000_000_000L,
            "m", 60_000_000_000L,
            "h", 3_600_000_000_000L);

    private GoDuration() {
    }

    /** The duration, or null when the text is not a Go duration (a bare number without unit is not, except 0). */
    static Duration parseOrNull(String text) {
        String rest = text;
        boolean negative = false;
        if (rest.startsWith("-") || rest.startsWith("+")) {
            negative = rest.startsWith("-");
            rest = rest.substring(1);
        }
        if (rest.equals("0")) {
            return Duration.ZERO;
        }
        if (rest.isEmpty()) {
            return null;
        }
        BigDecimal totalNanos = BigDecimal.ZERO;
        int i = 0;
        while (i < rest.length()) {
            int numberStart = i;
            while (i < rest.length() && (Character.isDigit(rest.charAt(i)) || rest.charAt(i) == '.')) {
                i++;
            }
            int unitStart = i;
            while (i < rest.length() && !Character.isDigit(rest.charAt(i)) && rest.charAt(i) != '.') {
                i++;
            }
            String number = rest.substring(numberStart, unitStart);
            Long unit = NANOS_PER_UNIT.get(rest.substring(unitStart, i));
            if (number.isEmpty() || number.equals(".") || unit == null) {
                return null;
            }
            try {
                totalNanos = totalNanos.add(new BigDecimal(number).multiply(BigDecimal.valueOf(unit)));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        long nanos = totalNanos.longValue();
        return Duration.ofNanos(negative ? -nanos : nanos);
    }
}
