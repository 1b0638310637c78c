package dev.tally.rest;

import dev.tally.domain.DomainException;
import dev.tally.domain.image.CommitValues;
import dev.tally.domain.image.ImageCommits;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code docker commit --change}: Dockerfile instructions, one per line. tally applies CMD, ENTRYPOINT
 * (JSON or shell form), ENV, LABEL ({@code k=v …} or {@code k v}), USER, WORKDIR, EXPOSE, VOLUME (JSON
 * or words) and STOPSIGNAL; any other instruction (dockerd also takes ONBUILD, which tally has no build
 * for) is refused by name (INVALID), never dropped in silence.
 */
final class CommitChanges {

    static final String APPLIED = "CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME and WORKDIR";

    private CommitChanges() {
    }

    static ImageCommits.Changes parse(List<String> changes) {
        List<String> entrypoint = List.of();
        List<String> cmd = List.of();
        List<String> env = new ArrayList<>();
        Map<String, String> labels = new LinkedHashMap<>();
        String workingDir = "";
        String user = "";
        List<String> ports = new ArrayList<>();
        List<String> volumes = new ArrayList<>();
        String stopSignal = "";
        for (String change : changes == null ? List.<String>of() : changes) {
            for (String line : change.split("\n")) {
                String trimmed = line.strip();
                if (trimmed.isEmpty()) {
                    continue;
                }
                int space = firstSpace(trimmed);
                String instruction = (space < 0 ? trimmed : trimmed.substring(0, space)).toUpperCase(Locale.ROOT);
                String rest = space < 0 ? "" : trimmed.substring(space).strip();
                switch (instruction) {
                    case "CMD" -> cmd = command(rest, instruction);
                    case "ENTRYPOINT" -> entrypoint = command(rest, instruction);
                    case "ENV" -> pairs(rest, instruction).forEach((k, v) -> env.add(k + "=" + v));
                    case "LABEL" -> labels.putAll(pairs(rest, instruction));
                    case "USER" -> user = required(rest, instruction);
                    case "WORKDIR" -> workingDir = required(rest, instruction);
                    case "EXPOSE" -> words(required(rest, instruction)).forEach(p -> ports.addAll(CommitValues.ports(p)));
                    case "VOLUME" -> jsonOrWords(required(rest, instruction), instruction)
                            .forEach(v -> volumes.add(CommitValues.volume(v)));
                    case "STOPSIGNAL" -> stopSignal = CommitValues.stopSignal(required(rest, instruction));
                    default -> throw DomainException.invalid("commit: the change " + instruction + " is not applied by "
                            + "tally; it applies " + APPLIED);
                }
            }
        }
        return new ImageCommits.Changes(entrypoint, cmd, env, workingDir, user, labels, ports, volumes, stopSignal);
    }

    private static int firstSpace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static String required(String value, String instruction) {
        if (value.isEmpty()) {
            throw DomainException.invalid("commit: " + instruction + " requires exactly one argument");
        }
        return value;
    }

    /** The JSON form ({@code ["a","b"]}) as it is; the shell form run by {@code /bin/sh -c}. */
    private static List<String> command(String rest, String instruction) {
        required(rest, instruction);
        if (rest.startsWith("[")) {
            try {
                List<String> out = new ArrayList<>();
                for (Object o : new JsonArray(rest)) {
                    if (!(o instanceof String s)) {
                        throw DomainException.invalid("commit: " + instruction + " takes a JSON array of strings");
                    }
                    out.add(s);
                }
                return out;
            } catch (DecodeException notJson) {
                // as Docker: what does not parse as JSON is the shell form
            }
        }
        return List.of("/bin/sh", "-c", rest);
    }

    /** {@code ["/a", "/b"]} or {@code /a /b}. */
    private static List<String> jsonOrWords(String rest, String instruction) {
        if (rest.startsWith("[")) {
            List<String> json = command(rest, instruction);
            if (!json.equals(List.of("/bin/sh", "-c", rest))) {
                return json;
            }
        }
        return words(rest);
    }

    /** {@code k=v k2="v 2"} or the legacy {@code k v w} (one pair, the value the rest). */
    private static Map<String, String> pairs(String rest, String instruction) {
        required(rest, instruction);
        Map<String, String> out = new LinkedHashMap<>();
        int space = firstSpace(rest);
        String first = space < 0 ? rest : rest.substring(0, space);
        if (!first.contains("=")) {
            if (space < 0) {
                throw DomainException.invalid("commit: " + instruction + " names must be followed by a value");
            }
            out.put(first, rest.substring(space).strip());
            return out;
        }
        for (String word : words(rest)) {
            int eq = word.indexOf('=');
            if (eq <= 0) {
                throw DomainException.invalid("commit: " + instruction + " takes NAME=VALUE pairs: " + word);
            }
            out.put(word.substring(0, eq), word.substring(eq + 1));
        }
        return out;
    }

    /** Words split at unquoted spaces, double and single quotes removed, a backslash escaping the next character. */
    private static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        boolean any = false;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\\' && i + 1 < s.length() && quote != '\'') {
                word.append(s.charAt(++i));
                any = true;
            } else if (quote != 0) {
                if (ch == quote) {
                    quote = 0;
                } else {
                    word.append(ch);
                }
            } else if (ch == '"' || ch == '\'') {
                quote = ch;
                any = true;
            } else if (Character.isWhitespace(ch)) {
                if (any) {
                    out.add(word.toString());
                    word.setLength(0);
                    any = false;
                }
            } else {
                word.append(ch);
                any = true;
            }
        }
        if (quote != 0) {
            throw DomainException.invalid("commit: an unmatched quote in " + s);
        }
        if (any) {
            out.add(word.toString());
        }
        return out;
    }
}
