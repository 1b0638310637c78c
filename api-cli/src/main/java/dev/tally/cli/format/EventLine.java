package dev.tally.cli.format;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One daemon event as docker prints it:
 * {@code 2026-11-23T12:00:00.000000000Z container start <id> (image=busybox, name=web)},
 * attributes sorted by key, time in the given zone; every value through {@link TerminalText}.
 */
public final class EventLine {

    private static final DateTimeFormatter NANOS_FIXED =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX");

    private EventLine() {
    }

    public static String format(Map<String, Object> event, ZoneId zone) {
        StringBuilder line = new StringBuilder();
        long timeNano = event.get("timeNano") instanceof Number n ? n.longValue() : 0L;
        long time = event.get("time") instanceof Number n ? n.longValue() : 0L;
        if (timeNano != 0) {
            line.append(NANOS_FIXED.format(Instant.ofEpochSecond(0, timeNano).atZone(zone))).append(' ');
        } else if (time != 0) {
            line.append(NANOS_FIXED.format(Instant.ofEpochSecond(time).atZone(zone))).append(' ');
        }
        Map<?, ?> actor = event.get("Actor") instanceof Map<?, ?> a ? a : Map.of();
        line.append(text(event.get("Type"))).append(' ')
                .append(text(event.get("Action"))).append(' ')
                .append(text(actor.get("ID")));
        if (actor.get("Attributes") instanceof Map<?, ?> attributes && !attributes.isEmpty()) {
            Map<String, String> sorted = new TreeMap<>();
            attributes.forEach((k, v) -> sorted.put(text(k), text(v)));
            List<String> pairs = new ArrayList<>();
            sorted.forEach((k, v) -> pairs.add(k + "=" + v));
            line.append(" (").append(String.join(", ", pairs)).append(')');
        }
        return line.toString();
    }

    private static String text(Object value) {
        return TerminalText.escape(value);
    }
}
