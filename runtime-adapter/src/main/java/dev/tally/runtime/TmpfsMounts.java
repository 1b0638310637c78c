package dev.tally.runtime;

import dev.tally.domain.DomainException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code --tmpfs PATH[:OPTIONS]} means in the spec: as in Docker, a tmpfs that is nosuid,
 * nodev and noexec unless the options say suid, dev or exec, with the other options passed on. Only
 * a tmpfs's own options are: its data ({@code size=}, {@code mode=}, {@code uid=}, {@code gid=},
 * {@code nr_inodes=}, {@code nr_blocks=}, {@code mpol=}, the keys dockerd takes) and the flags of a
 * plain mount ({@code ro}, {@code rw}, the time flags, {@code sync}…). runc reads any word of the
 * list as a mount flag, so {@code bind}, {@code rbind}, {@code remount} or a propagation would turn
 * the tmpfs into another mount ({@code rbind} killed runc's init; a bind's source would be a path
 * named {@code tmpfs}): those, and anything else, are INVALID with the option named.
 */
final class TmpfsMounts {

    private static final Set<String> DATA = Set.of("size", "mode", "uid", "gid", "nr_inodes", "nr_blocks", "mpol");
    private static final Set<String> FLAGS = Set.of("ro", "rw", "exec", "noexec", "suid", "nosuid", "dev", "nodev",
            "sync", "async", "dirsync", "atime", "noatime", "diratime", "nodiratime", "relatime", "norelatime",
            "strictatime", "nostrictatime");

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
            String key = o.contains("=") ? o.substring(0, o.indexOf('=')) : o;
            if (!o.matches("[a-z0-9_]+(=[A-Za-z0-9_.:]+)?") || !(o.contains("=") ? DATA.contains(key) : FLAGS.contains(key))) {
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
