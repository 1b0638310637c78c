package dev.tally.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What a container left on the host: processes naming it, runc state, mounts, cgroups. */
final class HostLeftovers {

    private HostLeftovers() {
    }

    static List<String> of(RealRunc runc, String id) throws IOException {
        List<String> left = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                String cmdline = cmdline(proc);
                if (cmdline.contains(id)) {
                    left.add("process " + proc.getFileName() + " " + cmdline.substring(0, Math.min(60, cmdline.length())));
                }
            }
        }
        if (Files.exists(runc.root.resolve("run").resolve("runc").resolve(id))) {
            left.add("runc state");
        }
        List<String> mounts = Mounts.mountedBelow(runc.dataRoot.resolve("containers").resolve(id));
        if (!mounts.isEmpty()) {
            left.add("mounts " + mounts);
        }
        for (Path cgroup : CgroupHierarchy.host().container(id).directories()) {
            left.add("cgroup " + cgroup);
        }
        return left;
    }

    private static String cmdline(Path proc) {
        try {
            return new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }
}
