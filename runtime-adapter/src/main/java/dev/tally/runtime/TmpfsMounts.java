package dev.tally.runtime;

import dev.tally.domain.DomainException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code --tmpfs PATH[:OPTIONS]} means in the spec: as in Docker, a tmpfs that is nosuid,
 * nodev and noexec unless the options say suid, dev or exec, with the other options (size=,
 * mode=, uid=, gid=, ro, rw…) passed on. Options are words of letters, digits and {@code =},
 * nothing else reaches the mount call.
 */
final class TmpfsMounts {

    private TmpfsMounts() {
    }

    static void apply(Map<String, String> tmpfs, OciSpec spec) {
        for (Map.Entry<String, String> t : tmpfs.entrySet()) {
            String target = t.getKey();
            if (!target.startsWith("/") || List.of(target.split("/")).contains("..")) {
                throw DomainException.invalid("invalid tmpfs mount: path must be absolute: " + target);
            }
            spec.withTmpfs(target, options(target, t.getValue()));
        }
    }

    static List<String> options(String target, String asked) {
        List<String> options = new ArrayList<>(List.of("nosuid", "nodev", "noexec"));
        for (String option : asked.isBlank() ? new String[0] : asked.split(",")) {
            String o = option.strip();
            if (!o.matches("[a-z0-9_]+(=[A-Za-z0-9_.]+)?")) {
                throw DomainException.invalid("invalid tmpfs option for " + target + ": \"" + option + "\"");
            }
            switch (o) {
                case "exec" -> options.remove("noexec");
                case "suid" -> options.remove("nosuid");
                case "dev" -> options.remove("nodev");
                default -> options.add(o);
            }
        }
        return options;
    }
}
