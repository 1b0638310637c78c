package dev.tally.domain.container;

import dev.tally.domain.DomainException;
import java.util.Locale;

/**
 * The signals a container may be asked to stop with, as dockerd reads them: a Linux signal's name with
 * or without {@code SIG}, in any case ({@code SIGTERM}, {@code term}, {@code RTMIN+3}), or its number.
 */
public final class Signals {

    /** SIGRTMIN as dockerd and the C library number it (the kernel's 32 and 33 are the library's own). */
    private static final int RTMIN = 34;
    /** Linux's signal names (and the aliases dockerd takes: CLD, IOT, POLL), without SIG, with their numbers on x86-64. */
    private static final java.util.Map<String, Integer> NAMES = java.util.Map.ofEntries(
            java.util.Map.entry("HUP", 1), java.util.Map.entry("INT", 2), java.util.Map.entry("QUIT", 3),
            java.util.Map.entry("ILL", 4), java.util.Map.entry("TRAP", 5), java.util.Map.entry("ABRT", 6),
            java.util.Map.entry("IOT", 6), java.util.Map.entry("BUS", 7), java.util.Map.entry("FPE", 8),
            java.util.Map.entry("KILL", 9), java.util.Map.entry("USR1", 10), java.util.Map.entry("SEGV", 11),
            java.util.Map.entry("USR2", 12), java.util.Map.entry("PIPE", 13), java.util.Map.entry("ALRM", 14),
            java.util.Map.entry("TERM", 15), java.util.Map.entry("STKFLT", 16), java.util.Map.entry("CHLD", 17),
            java.util.Map.entry("CLD", 17), java.util.Map.entry("CONT", 18), java.util.Map.entry("STOP", 19),
            java.util.Map.entry("TSTP", 20), java.util.Map.entry("TTIN", 21), java.util.Map.entry("TTOU", 22),
            java.util.Map.entry("URG", 23), java.util.Map.entry("XCPU", 24), java.util.Map.entry("XFSZ", 25),
            java.util.Map.entry("VTALRM", 26), java.util.Map.entry("PROF", 27), java.util.Map.entry("WINCH", 28),
            java.util.Map.entry("IO", 29), java.util.Map.entry("POLL", 29), java.util.Map.entry("PWR", 30),
            java.util.Map.entry("SYS", 31), java.util.Map.entry("RTMIN", RTMIN), java.util.Map.entry("RTMAX", 64));
    /** The real-time signals between RTMIN and RTMAX are named from either end: RTMIN+1..15, RTMAX-14..1. */
    private static final int RT_SPAN = 15;
    private static final int HIGHEST = 64;
    private static final java.util.regex.Pattern REAL_TIME =
            java.util.regex.Pattern.compile("RTMIN\\+([0-9]{1,2})|RTMAX-([0-9]{1,2})");

    private Signals() {
    }

    /** The signal as given, when it is one; INVALID with dockerd's message otherwise. */
    public static String requireValid(String signal) {
        if (!isValid(signal)) {
            throw DomainException.invalid("Invalid signal: " + signal);
        }
        return signal;
    }

    static boolean isValid(String signal) {
        return number(signal).isPresent();
    }

    /**
     * The signal's number, for a runtime that knows fewer names than dockerd (runc knows HUP to SYS, not
     * the real-time ones or the aliases); empty for what is no signal.
     */
    public static java.util.OptionalInt number(String signal) {
        if (signal == null || signal.isEmpty()) {
            return java.util.OptionalInt.empty();
        }
        if (signal.chars().allMatch(Character::isDigit)) {
            return signal.length() <= 2 && Integer.parseInt(signal) >= 1 && Integer.parseInt(signal) <= HIGHEST
                    ? java.util.OptionalInt.of(Integer.parseInt(signal)) : java.util.OptionalInt.empty();
        }
        String name = signal.toUpperCase(Locale.ROOT);
        name = name.startsWith("SIG") ? name.substring(3) : name;
        if (NAMES.containsKey(name)) {
            return java.util.OptionalInt.of(NAMES.get(name));
        }
        java.util.regex.Matcher rt = REAL_TIME.matcher(name);
        if (!rt.matches()) {
            return java.util.OptionalInt.empty();
        }
        int n = Integer.parseInt(rt.group(1) != null ? rt.group(1) : rt.group(2));
        if (rt.group(1) != null) {
            return n >= 1 && n <= RT_SPAN ? java.util.OptionalInt.of(RTMIN + n) : java.util.OptionalInt.empty();
        }
        return n >= 1 && n < RT_SPAN ? java.util.OptionalInt.of(HIGHEST - n) : java.util.OptionalInt.empty();
    }
}
