package dev.tally.cli.format;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Parsed JSON values (maps, lists, strings, numbers, booleans, null) as Go's templates see them:
 * printed as {@code fmt.Sprint} prints them ({@code [a b]}, {@code map[k:v]} in key order,
 * {@code <nil>}), and true or false as {@code if} and {@code range} decide.
 */
final class GoValues {

    private GoValues() {
    }

    /**
     * Text that print, printf or println made: printed as it is (a println's newline ends the line),
     * since the values in it were escaped for the terminal as they went in.
     */
    record Printed(String text) {
    }

    /** A value as an action or a print function shows it: escaped for the terminal, unless already {@link Printed}. */
    static String shown(Object value) {
        return value instanceof Printed printed ? printed.text() : TerminalText.escape(print(value));
    }

    /** Go's {@code %v} of a value inside a template's data; null is {@code <nil>}. */
    static String print(Object value) {
        StringBuilder out = new StringBuilder();
        print(value, out);
        return out.toString();
    }

    private static void print(Object value, StringBuilder out) {
        if (value == null) {
            out.append("<nil>");
        } else if (value instanceof Printed printed) {
            out.append(printed.text());
        } else if (value instanceof Map<?, ?> map) {
            Map<String, Object> sorted = new TreeMap<>();
            map.forEach((k, v) -> sorted.put(String.valueOf(k), v));
            out.append("map[");
            String separator = "";
            for (Map.Entry<String, Object> entry : sorted.entrySet()) {
                out.append(separator).append(entry.getKey()).append(':');
                print(entry.getValue(), out);
                separator = " ";
            }
            out.append(']');
        } else if (value instanceof List<?> list) {
            out.append('[');
            String separator = "";
            for (Object item : list) {
                out.append(separator);
                print(item, out);
                separator = " ";
            }
            out.append(']');
        } else if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
            out.append(decimal(((Number) value).doubleValue()));
        } else {
            out.append(value);
        }
    }

    /** Go's {@code %v} of a float64: integral values without a point, the exponent past 21 digits. */
    private static String decimal(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e21) {
            return new BigDecimal(d).toPlainString();
        }
        return Double.toString(d).replace("E", "e+").replace("e+-", "e-");
    }

    /** Go's truth: false, 0, nil, and empty strings, lists and maps are false. */
    static boolean truth(Object value) {
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (value instanceof String s) {
            return !s.isEmpty();
        }
        if (value instanceof List<?> l) {
            return !l.isEmpty();
        }
        if (value instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        return true;
    }

    /** What {@code range} walks: a list's items, a map's values in key order (with their keys), 0 to n-1; null: nothing. */
    static List<Object[]> entries(Object value) {
        List<Object[]> entries = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                entries.add(new Object[] {(long) i, list.get(i)});
            }
        } else if (value instanceof Map<?, ?> map) {
            stringKeys(map).forEach((k, v) -> entries.add(new Object[] {k, v}));
        } else if (value instanceof Long n) {
            for (long i = 0; i < n; i++) {
                entries.add(new Object[] {i, i});
            }
        } else if (value != null) {
            return null;
        }
        return entries;
    }

    private static Map<String, Object> stringKeys(Map<?, ?> map) {
        Map<String, Object> keyed = new TreeMap<>();
        map.forEach((k, v) -> keyed.put(String.valueOf(k), v));
        return keyed;
    }

    /** The Go type a value of parsed JSON has, as Go's errors name it. */
    static String type(Object value) {
        if (value == null) {
            return "<nil>";
        }
        if (value instanceof Map) {
            return "map[string]interface {}";
        }
        if (value instanceof List) {
            return "[]interface {}";
        }
        if (value instanceof String) {
            return "string";
        }
        if (value instanceof Boolean) {
            return "bool";
        }
        return value instanceof Double || value instanceof BigDecimal ? "float64" : "int";
    }

    /**
     * Go's Sprintf for the verbs templates use: {@code %v %s %d %t} (the value as {@code %v} prints
     * it), {@code %q} (quoted) and {@code %%}, with a width and {@code -} to pad on the right.
     */
    static Printed printf(String format, List<Object> args) {
        StringBuilder out = new StringBuilder();
        int next = 0;
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 == format.length()) {
                out.append(c);
                continue;
            }
            int start = ++i;
            while (i < format.length() && "-+# 0123456789".indexOf(format.charAt(i)) >= 0) {
                i++;
            }
            if (i == format.length()) {
                out.append("%!(NOVERB)");
                break;
            }
            String flags = format.substring(start, i);
            char verb = format.charAt(i);
            if (verb == '%') {
                out.append('%');
                continue;
            }
            if (next >= args.size()) {
                out.append("%!").append(verb).append("(MISSING)");
                continue;
            }
            Object arg = args.get(next++);
            String text = verb == 'q' && arg instanceof String s ? TerminalText.escape(GoQuote.quote(s)) : shown(arg);
            String width = flags.replaceAll("[^0-9]", "");
            int pad = width.isEmpty() ? 0 : Math.min(Integer.parseInt(width), 1 << 16) - text.length();
            if (pad > 0 && flags.contains("-")) {
                out.append(text).append(" ".repeat(pad));
            } else {
                out.append(pad > 0 ? " ".repeat(pad) : "").append(text);
            }
        }
        if (next < args.size()) {
            out.append("%!(EXTRA ");
            out.append(String.join(", ", args.subList(next, args.size()).stream()
                    .map(a -> type(a) + "=" + shown(a)).toList()));
            out.append(')');
        }
        return new Printed(out.toString());
    }
}
