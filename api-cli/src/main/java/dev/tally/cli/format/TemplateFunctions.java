package dev.tally.cli.format;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The functions a --format template may call: Go's built-ins ({@code and or not eq ne lt le gt ge
 * index len print printf println}) and those docker adds ({@code json join lower upper title split
 * pad truncate}), each a few lines over parsed JSON values.
 */
final class TemplateFunctions {

    /** A call that failed: Go words it "wrong number of args …", or "error calling NAME: …". */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean arity;

        Failure(String message, boolean arity) {
            super(message, null, false, false);
            this.arity = arity;
        }
    }

    private interface Body {
        Object apply(List<Object> args) throws Failure;
    }

    /** A function taking {@code min} to {@code max} arguments ({@code max} -1: any number). */
    private record Fn(int min, int max, Body body) {
    }

    /** The functions that take what print functions made as it is; the others take it as a string. */
    private static final Set<String> PRINTERS = Set.of("print", "println", "printf");

    private static final JSON COMPACT = JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES);

    private static final Map<String, Fn> ALL = Map.ofEntries(
            Map.entry("and", new Fn(1, -1, a -> pick(a, false))),
            Map.entry("or", new Fn(1, -1, a -> pick(a, true))),
            Map.entry("not", new Fn(1, 1, a -> !GoValues.truth(a.get(0)))),
            Map.entry("eq", new Fn(1, -1, TemplateFunctions::eq)),
            Map.entry("ne", new Fn(2, 2, a -> !equal(a.get(0), a.get(1)))),
            Map.entry("lt", new Fn(2, 2, a -> compare(a) < 0)),
            Map.entry("le", new Fn(2, 2, a -> compare(a) <= 0)),
            Map.entry("gt", new Fn(2, 2, a -> compare(a) > 0)),
            Map.entry("ge", new Fn(2, 2, a -> compare(a) >= 0)),
            Map.entry("index", new Fn(1, -1, TemplateFunctions::index)),
            Map.entry("len", new Fn(1, 1, a -> length(a.get(0)))),
            Map.entry("print", new Fn(0, -1, TemplateFunctions::print)),
            Map.entry("println", new Fn(0, -1, a -> new GoValues.Printed(
                    String.join(" ", a.stream().map(GoValues::shown).toList()) + "\n"))),
            Map.entry("printf", new Fn(1, -1, a -> GoValues.printf(text(a.get(0)), a.subList(1, a.size())))),
            Map.entry("json", new Fn(1, 1, a -> json(a.get(0)))),
            Map.entry("join", new Fn(2, 2, a -> String.join(text(a.get(1)), strings(a.get(0))))),
            Map.entry("lower", new Fn(1, 1, a -> text(a.get(0)).toLowerCase(Locale.ROOT))),
            Map.entry("upper", new Fn(1, 1, a -> text(a.get(0)).toUpperCase(Locale.ROOT))),
            Map.entry("title", new Fn(1, 1, a -> title(text(a.get(0))))),
            Map.entry("split", new Fn(2, 2, a -> split(text(a.get(0)), text(a.get(1))))),
            Map.entry("pad", new Fn(3, 3, a -> " ".repeat(count(a.get(1))) + text(a.get(0)) + " ".repeat(count(a.get(2))))),
            Map.entry("truncate", new Fn(2, 2, a -> truncate(text(a.get(0)), count(a.get(1))))));

    private TemplateFunctions() {
    }

    static boolean exists(String name) {
        return ALL.containsKey(name);
    }

    static Object call(String name, List<Object> args) throws Failure {
        Fn fn = ALL.get(name);
        if (args.size() < fn.min() || (fn.max() >= 0 && args.size() > fn.max())) {
            String want = fn.max() == fn.min() ? String.valueOf(fn.min()) : "at least " + fn.min();
            throw new Failure("wrong number of args for " + name + ": want " + want + " got " + args.size(), true);
        }
        if (PRINTERS.contains(name)) {
            return fn.body().apply(args);
        }
        List<Object> plain = new ArrayList<>(args.size());
        for (Object arg : args) {
            plain.add(arg instanceof GoValues.Printed printed ? printed.text() : arg);
        }
        return fn.body().apply(plain);
    }

    /** and: the first false argument, or the last; or: the first true one, or the last. */
    private static Object pick(List<Object> args, boolean wanted) {
        for (Object arg : args) {
            if (GoValues.truth(arg) == wanted) {
                return arg;
            }
        }
        return args.get(args.size() - 1);
    }

    private static Object eq(List<Object> args) throws Failure {
        if (args.size() < 2) {
            throw new Failure("missing argument for comparison", false);
        }
        for (Object other : args.subList(1, args.size())) {
            if (equal(args.get(0), other)) {
                return true;
            }
        }
        return false;
    }

    private static boolean equal(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return decimal(x).compareTo(decimal(y)) == 0;
        }
        return Objects.equals(a, b);
    }

    private static int compare(List<Object> args) throws Failure {
        Object a = args.get(0);
        Object b = args.get(1);
        if (a instanceof Number x && b instanceof Number y) {
            return decimal(x).compareTo(decimal(y));
        }
        if (a instanceof String x && b instanceof String y) {
            return x.compareTo(y);
        }
        throw new Failure(a == null || b == null || a.getClass() == b.getClass()
                ? "invalid type for comparison" : "incompatible types for comparison", false);
    }

    private static BigDecimal decimal(Number n) {
        return n instanceof BigDecimal d ? d : new BigDecimal(n.toString());
    }

    private static Object index(List<Object> args) throws Failure {
        Object item = args.get(0);
        for (Object key : args.subList(1, args.size())) {
            if (item instanceof List<?> list) {
                if (!(key instanceof Number n) || n instanceof Double) {
                    throw new Failure("cannot index slice/array with type " + GoValues.type(key), false);
                }
                long i = n.longValue();
                if (i < 0 || i >= list.size()) {
                    throw new Failure("index out of range: " + i, false);
                }
                item = list.get((int) i);
            } else if (item instanceof Map<?, ?> map) {
                if (!(key instanceof String)) {
                    throw new Failure("value has type " + GoValues.type(key) + "; should be string", false);
                }
                item = map.get(key);
            } else if (item == null) {
                throw new Failure("index of untyped nil", false);
            } else {
                throw new Failure("can't index item of type " + GoValues.type(item), false);
            }
        }
        return item;
    }

    private static Object length(Object value) throws Failure {
        if (value instanceof String s) {
            return (long) s.getBytes(StandardCharsets.UTF_8).length;
        }
        if (value instanceof List<?> l) {
            return (long) l.size();
        }
        if (value instanceof Map<?, ?> m) {
            return (long) m.size();
        }
        throw new Failure(value == null ? "len of nil pointer" : "len of type " + GoValues.type(value), false);
    }

    /** Go's Sprint: a space between two operands when neither is a string. */
    private static Object print(List<Object> args) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < args.size(); i++) {
            if (i > 0 && !(args.get(i) instanceof String) && !(args.get(i - 1) instanceof String)) {
                out.append(' ');
            }
            out.append(GoValues.shown(args.get(i)));
        }
        return new GoValues.Printed(out.toString());
    }

    /**
     * Compact JSON as Go's encoder writes docker's values: a struct's fields in their order, a map's
     * keys sorted. Which of the two an object was, JSON does not say: one whose keys are all
     * exported Go names (State, Config, LogConfig) is taken for a struct and keeps the daemon's
     * order, any other (Labels, Ports, Networks) for a map. The text is made safe for a terminal
     * the JSON way ({@code \\u009b}), so it stays valid JSON.
     */
    private static Object json(Object value) throws Failure {
        try {
            return TerminalText.escapeInJson(COMPACT.asString(goOrder(value)));
        } catch (IOException e) {
            throw new Failure(e.getMessage(), false);
        }
    }

    private static Object goOrder(Object value) {
        if (value instanceof List<?> list) {
            List<Object> ordered = new ArrayList<>(list.size());
            list.forEach(item -> ordered.add(goOrder(item)));
            return ordered;
        }
        if (value instanceof Map<?, ?> map) {
            boolean struct = map.keySet().stream().allMatch(k -> k instanceof String s && !s.isEmpty()
                    && Character.isUpperCase(s.charAt(0)) && s.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_'));
            Map<String, Object> ordered = struct ? new LinkedHashMap<>() : new TreeMap<>();
            map.forEach((k, v) -> ordered.put(String.valueOf(k), goOrder(v)));
            return ordered;
        }
        return value;
    }

    private static List<String> strings(Object value) throws Failure {
        if (!(value instanceof List<?> list)) {
            throw new Failure("wrong type for value; expected []string; got " + GoValues.type(value), false);
        }
        return list.stream().map(GoValues::print).toList();
    }

    private static String text(Object value) throws Failure {
        if (value instanceof String s) {
            return s;
        }
        throw new Failure("wrong type for value; expected string; got " + GoValues.type(value), false);
    }

    private static int count(Object value) throws Failure {
        if (value instanceof Number n && !(n instanceof Double)) {
            return (int) Math.max(0, Math.min(n.longValue(), 1 << 20));
        }
        throw new Failure("wrong type for value; expected int; got " + GoValues.type(value), false);
    }

    private static String title(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean start = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(start ? Character.toTitleCase(c) : c);
            start = !Character.isLetterOrDigit(c) && c != '_' && c != '\'';
        }
        return out.toString();
    }

    private static List<Object> split(String text, String separator) {
        if (separator.isEmpty()) {
            return new ArrayList<>(text.codePoints().mapToObj(Character::toString).toList());
        }
        return new ArrayList<>(Arrays.asList((Object[]) text.split(java.util.regex.Pattern.quote(separator), -1)));
    }

    private static String truncate(String text, int length) {
        return text.codePointCount(0, text.length()) <= length ? text
                : text.substring(0, text.offsetByCodePoints(0, length));
    }
}
