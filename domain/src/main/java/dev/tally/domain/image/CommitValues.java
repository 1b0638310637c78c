package dev.tally.domain.image;

import dev.tally.domain.DomainException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checks of a commit's exposed ports, volumes and stop signal, whether they come from the
 * request's config or from {@code --change} lines; each refusal is INVALID and names the value.
 */
public final class CommitValues {

    private static final Pattern PORT = Pattern.compile("([0-9]{1,5})(?:-([0-9]{1,5}))?(?:/([A-Za-z]+))?");
    private static final Pattern SIGNAL = Pattern.compile("(SIG)?[A-Z][A-Z0-9]*([+-][0-9]{1,2})?");
    /** As dockerd expands a range: no more ports than this from one. */
    private static final int MAX_RANGE = 1024;

    private CommitValues() {
    }

    /** {@code 80}, {@code 80/udp}, {@code 8000-8010/tcp} as the config keys dockerd writes ({@code 80/tcp}, a range expanded). */
    public static List<String> ports(String spec) {
        Matcher m = PORT.matcher(spec.strip());
        if (!m.matches()) {
            throw DomainException.invalid("commit: invalid port " + spec + " (PORT[-END][/tcp|udp|sctp])");
        }
        String proto = m.group(3) == null ? "tcp" : m.group(3).toLowerCase(Locale.ROOT);
        if (!List.of("tcp", "udp", "sctp").contains(proto)) {
            throw DomainException.invalid("commit: invalid protocol of port " + spec + " (tcp, udp or sctp)");
        }
        int first = Integer.parseInt(m.group(1));
        int last = m.group(2) == null ? first : Integer.parseInt(m.group(2));
        if (first < 1 || last > 65535 || last < first || last - first >= MAX_RANGE) {
            throw DomainException.invalid("commit: invalid port range " + spec + " (1 to 65535, at most " + MAX_RANGE
                    + " ports)");
        }
        List<String> out = new ArrayList<>();
        for (int p = first; p <= last; p++) {
            out.add(p + "/" + proto);
        }
        return out;
    }

    /** A volume's path in the container: absolute. */
    public static String volume(String path) {
        if (!path.startsWith("/") || path.indexOf('\0') >= 0) {
            throw DomainException.invalid("commit: a volume's path must be absolute: " + path);
        }
        return path;
    }

    /** A signal as a container's stop signal takes it: a name ({@code SIGTERM}, {@code TERM}, {@code SIGRTMIN+3}) or a number 1 to 64. */
    public static String stopSignal(String signal) {
        String s = signal.strip();
        boolean number = s.matches("[0-9]{1,2}") && Integer.parseInt(s) >= 1 && Integer.parseInt(s) <= 64;
        if (!number && !SIGNAL.matcher(s).matches()) {
            throw DomainException.invalid("commit: invalid stop signal: " + signal);
        }
        return s;
    }
}
