package dev.tally.domain.container;

import dev.tally.domain.DomainException;
import java.util.Locale;
import java.util.Set;

/**
 * The signals a container may be asked to stop with, as dockerd reads them: a Linux signal's name with
 * or without {@code SIG}, in any case ({@code SIGTERM}, {@code term}, {@code RTMIN+3}), or its number.
 */
public final class Signals {

    /** Linux's signal names (and the aliases dockerd takes: CLD, IOT, POLL), without SIG. */
    private static final Set<String> NAMES = Set.of("ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL",
            "INT", "IO", "IOT", "KILL", "PIPE", "POLL", "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM",
            "TRAP", "TSTP", "TTIN", "TTOU", "URG", "USR1", "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ", "RTMIN", "RTMAX");
    /** The real-time signals between RTMIN and RTMAX are named from either end: RTMIN+1..15, RTMAX-14..1. */
    private static final int RT_SPAN = 15;
    private static final int HIGHEST = 64;

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
        if (signal == null || signal.isEmpty()) {
            return false;
        }
        if (signal.chars().allMatch(Character::isDigit)) {
            return signal.length() <= 2 && Integer.parseInt(signal) >= 1 && Integer.parseInt(signal) <= HIGHEST;
        }
        String name = signal.toUpperCase(Locale.ROOT);
        name = name.startsWith("SIG") ? name.substring(3) : name;
        if (NAMES.contains(name)) {
            return true;
        }
        java.util.regex.Matcher rt = java.util.regex.Pattern.compile("RTMIN\\+([0-9]{1,2})|RTMAX-([0-9]{1,2})").matcher(name);
        if (!rt.matches()) {
            return false;
        }
        int n = Integer.parseInt(rt.group(1) != null ? rt.group(1) : rt.group(2));
        return rt.group(1) != null ? n >= 1 && n <= RT_SPAN : n >= 1 && n < RT_SPAN;
    }
}
